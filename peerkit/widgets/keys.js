// The live round's keyboard shortcuts. Keys count only while this widget is on screen (its tab
// open) and never while typing in a text field, a list, or with Ctrl/Alt/Meta held.

const TYPING = /^(INPUT|TEXTAREA|SELECT)$/;

function render({ model, el }) {
  const legend = document.createElement("p");
  legend.className = "peerkit-keys";
  el.append(legend);

  function draw() {
    legend.replaceChildren();
    const title = document.createElement("span");
    title.textContent = "Keys: ";
    legend.append(title);
    model.get("shortcuts").forEach((entry, i) => {
      if (i) legend.append(" · ");
      const kbd = document.createElement("kbd");
      kbd.textContent = entry.keys[0].toUpperCase();
      legend.append(kbd, ` ${entry.says}`);
    });
  }

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || TYPING.test(target.tagName))) return;
    if (!el.isConnected || el.offsetParent === null) return; // its tab is not showing
    const key = event.key.toLowerCase();
    const entry = model.get("shortcuts").find((k) => k.keys.includes(key));
    if (!entry) return;
    event.preventDefault();
    model.send({ intent: entry.intent });
  }

  // The kernel opened the advice form: put the cursor in it once the browser has drawn it.
  function onMessage(msg) {
    if (msg && msg.focus) {
      requestAnimationFrame(() => document.querySelector(model.get("target"))?.focus());
    }
  }

  model.on("change:shortcuts", draw);
  model.on("msg:custom", onMessage);
  document.addEventListener("keydown", onKey);
  draw();
  return () => {
    document.removeEventListener("keydown", onKey);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
