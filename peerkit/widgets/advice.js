// peerkit advice rows: the live round's advice, each with its star. The kernel sends the rows
// as data and stays the source of truth; a press sends the intent and the kernel's answer
// redraws the rows. User text only ever reaches the page as text, never as markup.

function row(item, index, model) {
  const li = document.createElement("li");
  li.className = item.starred ? "peerkit-advice peerkit-starred" : "peerkit-advice";
  li.dataset.id = String(item.id);

  const star = document.createElement("button");
  star.type = "button";
  // The look of the console's other toggles (look.css), pressed or not.
  star.className = item.starred
    ? "jupyter-button widget-toggle-button peerkit-star-button mod-active"
    : "jupyter-button widget-toggle-button peerkit-star-button";
  star.dataset.id = String(item.id);
  star.setAttribute("aria-pressed", item.starred ? "true" : "false");
  // The state in words and a glyph, not a colour alone; the hidden part tells the stars apart.
  star.textContent = item.starred ? "★ Starred" : "☆ Star";
  const which = document.createElement("span");
  which.className = "peerkit-visually-hidden";
  which.textContent = ` advice ${index + 1}`;
  star.append(which);
  star.addEventListener("click", () => {
    model.send({ type: "star", id: item.id, starred: !item.starred });
  });

  const text = document.createElement("div");
  text.className = "peerkit-advice-text";
  const kind = document.createElement("span");
  kind.className = "peerkit-kind";
  kind.textContent = item.kind;
  const giver = document.createElement("em");
  giver.textContent = `— ${item.giver}`;
  text.append(kind, ` ${item.text} `, giver);

  li.append(star, text);
  return li;
}

function render({ model, el }) {
  const list = document.createElement("ul");
  list.className = "peerkit-advice-rows";
  list.setAttribute("aria-label", "Advice captured in this round");
  el.append(list);
  let shown = 0;

  function draw() {
    // A redraw keeps the keyboard on the star it was on.
    const active = document.activeElement;
    const focused = list.contains(active) && active.dataset ? active.dataset.id : null;
    const rows = model.get("rows");
    const grew = rows.length > shown;
    shown = rows.length;
    if (!rows.length) {
      const none = document.createElement("li");
      none.className = "peerkit-advice-none";
      none.textContent = model.get("empty");
      list.replaceChildren(none);
      return;
    }
    list.replaceChildren(...rows.map((item, index) => row(item, index, model)));
    if (grew) list.scrollTop = list.scrollHeight; // new advice is at the bottom: show it
    if (focused) {
      const again = list.querySelector(`button[data-id="${focused}"]`);
      if (again) again.focus();
    }
  }

  model.on("change:rows", draw);
  model.on("change:empty", draw);
  draw();
  return () => {
    model.off("change:rows", draw);
    model.off("change:empty", draw);
  };
}

export default { render };
