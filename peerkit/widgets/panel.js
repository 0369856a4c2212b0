// peerkit room panel: the kernel's HTML (escaped there), paged by itself when its list is longer
// than the panel. See panel.py for why still pages and not a continuous crawl.
//
// The list is the element marked [data-peerkit-scroll]; its items are its <li>. The panel's
// root carries data-pages (how many pages) and data-page (the one shown, from 1), and the line
// marked [data-peerkit-pages] says "Page 2 of 3" in words.

/**
 * The scroll offsets at which each page starts. Pure: item tops and bottoms (in the list's own
 * coordinates, in order) and the list's visible height. A page starts with the first item the
 * page before did not show whole, so no page opens on the tail of an item; an item taller than
 * the panel is shown a panel's height at a time. (The last page may need room below the list
 * to start at its first item: the caller adds it.)
 */
export function pageTops(itemTops, itemBottoms, viewHeight) {
  const tops = [0];
  if (!(viewHeight > 0)) return tops;
  while (tops.length < 1000) {
    const top = tops[tops.length - 1];
    const cut = itemBottoms.findIndex((bottom) => bottom > top + viewHeight + 1);
    if (cut < 0) break;
    tops.push(Math.round(itemTops[cut] > top + 1 ? itemTops[cut] : top + viewHeight));
  }
  return tops;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "peerkit-panel";
  el.append(root);

  const reduced = window.matchMedia
    ? window.matchMedia("(prefers-reduced-motion: reduce)")
    : { matches: false };
  let tops = [0];
  let page = 0;
  let items = 0;
  let timer = null;
  let held = false;

  const scroller = () => root.querySelector("[data-peerkit-scroll]");

  const measure = () => {
    const list = scroller();
    if (!list) return [0];
    list.style.paddingBottom = "";
    const box = list.getBoundingClientRect();
    const lis = Array.from(list.querySelectorAll("li"));
    const itemTops = lis.map((li) => li.getBoundingClientRect().top - box.top + list.scrollTop);
    const itemBottoms = lis.map(
      (li) => li.getBoundingClientRect().bottom - box.top + list.scrollTop,
    );
    const found = pageTops(itemTops, itemBottoms, list.clientHeight);
    // Room below the list for the last page to start at an item, as the others do.
    const room = found[found.length - 1] + list.clientHeight - list.scrollHeight;
    if (found.length > 1 && room > 0) list.style.paddingBottom = `${Math.ceil(room)}px`;
    return found;
  };

  const show = (index, smooth) => {
    const list = scroller();
    page = Math.max(0, Math.min(index, tops.length - 1));
    root.dataset.page = String(page + 1);
    if (list) {
      const behavior = smooth && !reduced.matches ? "smooth" : "auto";
      list.scrollTo({ top: tops[page], behavior });
    }
    const line = root.querySelector("[data-peerkit-pages]");
    if (line) {
      const text = tops.length > 1 ? `Page ${page + 1} of ${tops.length}, turning by itself` : "";
      if (line.textContent !== text) line.textContent = text;
      line.hidden = !text;
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = null;
    if (tops.length < 2 || held) return;
    const dwell = Math.max(1, Number(model.get("dwell_s")) || 8) * 1000;
    timer = setTimeout(() => {
      show((page + 1) % tops.length, true);
      schedule();
    }, dwell);
  };

  const layout = (toNewest) => {
    // On the last page (the newest), a new size keeps the panel on the last page.
    const atEnd = page === tops.length - 1;
    tops = measure();
    root.dataset.pages = String(tops.length);
    root.dataset.overflow = tops.length > 1 ? "yes" : "no";
    show(toNewest || atEnd ? tops.length - 1 : page, false);
    schedule();
  };

  const draw = () => {
    root.innerHTML = model.get("value") || "";
    const list = scroller();
    const count = list ? list.querySelectorAll("li").length : 0;
    const grew = count > items;
    items = count;
    if (list) observer.observe(list);
    layout(grew); // a new item: the page with the newest (at the bottom) first
  };

  // The panel's size changes with the window, the fonts and the grid around it.
  let pending = false;
  const observer = new ResizeObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      layout(false);
    });
  });
  observer.observe(root);

  const hold = () => {
    held = true;
    schedule();
  };
  const release = () => {
    held = root.matches(":hover") || root.contains(document.activeElement);
    schedule();
  };
  root.addEventListener("mouseenter", hold);
  root.addEventListener("mouseleave", release);
  root.addEventListener("focusin", hold);
  root.addEventListener("focusout", () => setTimeout(release, 0));

  const onValue = () => draw();
  const onDwell = () => schedule();
  model.on("change:value", onValue);
  model.on("change:dwell_s", onDwell);
  draw();

  return () => {
    clearTimeout(timer);
    observer.disconnect();
    model.off("change:value", onValue);
    model.off("change:dwell_s", onDwell);
    root.remove();
  };
}

export default { render };
