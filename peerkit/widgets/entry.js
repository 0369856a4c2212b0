// peerkit entry box: Enter submits, Shift+Enter adds a line; the text stays until saved.
// User text is only ever a textarea's value: never markup.

// anywidget may evaluate this module once per widget, so a module-level counter would start
// again at 1 for each box: every box would get the same id and each <label for> would name the
// first box on the page. The count lives on the page instead.
function nextId() {
  globalThis.peerkitEntryCount = (globalThis.peerkitEntryCount || 0) + 1;
  return `peerkit-entry-${globalThis.peerkitEntryCount}`;
}

function render({ model, el }) {
  const id = nextId();
  const wrap = document.createElement("div");
  wrap.className = "peerkit-entry";
  const label = document.createElement("label");
  label.htmlFor = id;
  const box = document.createElement("textarea");
  box.id = id;
  const error = document.createElement("div");
  error.className = "peerkit-entry-error";
  error.setAttribute("role", "alert");
  wrap.append(label, box, error);
  el.append(wrap);

  function draw() {
    label.textContent = model.get("label");
    box.placeholder = model.get("placeholder");
    box.rows = model.get("rows");
    box.disabled = model.get("disabled");
    if (box.value !== model.get("value")) box.value = model.get("value");
    const message = model.get("error");
    error.textContent = message ? `Not saved: ${message}` : "";
    box.setAttribute("aria-invalid", message ? "true" : "false");
  }

  function onInput() {
    model.set("value", box.value);
    model.save_changes();
  }

  function onKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      model.send({ type: "submit", text: box.value });
    }
  }

  function onMessage(msg) {
    if (msg && msg.type === "saved") box.focus();
  }

  box.addEventListener("input", onInput);
  box.addEventListener("keydown", onKey);
  model.on("change", draw);
  model.on("msg:custom", onMessage);
  draw();
  return () => {
    box.removeEventListener("input", onInput);
    box.removeEventListener("keydown", onKey);
    model.off("change", draw);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
