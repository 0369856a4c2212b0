// peerkit timer: counts down in the browser from a deadline the kernel sets.
//
// The kernel never sends ticks. It sets `deadline` (epoch ms, kernel clock) and `server_now`
// (kernel time when it set the state); this view ticks on its own timer, so a busy or dead
// kernel cannot stall it. The kernel's clock may differ from this browser's (a projector on
// another machine): we keep an interval [lo, hi] that must contain the offset
// (kernel time - browser time), narrowed by every state change we receive (server_now was
// stamped before we got it: offset >= server_now - receipt) and by clock pings answered by the
// kernel (offset within [now - t1, now - t0]). We use the value in that interval closest to 0,
// so a kernel on the same machine reads its exact deadline and a skewed one is corrected to
// within a round trip. A stale initial state (the notebook ran seconds before the page
// connected) only loosens the bound, it never makes it wrong.
//
// All user text goes through textContent: never markup.

const TICK_MS = 200;
const LABEL_EVERY_MS = 10000;
const PING_DELAYS_MS = [0, 1000, 3000];
const PING_EVERY_MS = 5 * 60 * 1000;
const SYNCED_KEYS = [
  "deadline",
  "remaining",
  "running",
  "paused",
  "server_now",
  "phase",
  "instruction",
  "next_phase",
  "presenter",
  "step",
  "warn_seconds",
  "chime",
  "size",
];

function pad2(n) {
  return String(n).padStart(2, "0");
}

/** Whole seconds as MM:SS, or H:MM:SS from one hour on (no upper limit). */
export function formatClock(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(sec)}` : `${pad2(m)}:${pad2(sec)}`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Whole seconds in words for screen readers: "1 hour 4 minutes 12 seconds". */
export function spokenDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = [];
  if (h) parts.push(plural(h, "hour"));
  if (m) parts.push(plural(m, "minute"));
  if (sec || parts.length === 0) parts.push(plural(sec, "second"));
  return parts.join(" ");
}

/** Seconds left to whole seconds shown: counting down rounds up, overtime rounds down. */
export function clockParts(remainingSeconds) {
  if (remainingSeconds > 0) {
    return { over: false, secs: Math.ceil(remainingSeconds - 1e-3) };
  }
  return { over: true, secs: Math.floor(-remainingSeconds) };
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el }) {
  const get = (key) => model.get(key);

  // ---- DOM (built once; only textContent and attributes change afterwards) ----------------
  const root = make("section", "peerkit-timer");
  const heading = make("div", "peerkit-timer__heading");
  const presenter = make("p", "peerkit-timer__presenter");
  const phase = make("p", "peerkit-timer__phase");
  heading.append(presenter, phase);

  const main = make("div", "peerkit-timer__main");
  const clockBox = make("div", "peerkit-timer__clockbox");
  const clock = make("div", "peerkit-timer__clock", "00:00");
  clock.setAttribute("role", "timer");
  clock.setAttribute("aria-live", "off");
  clock.setAttribute("aria-atomic", "true");
  const cue = make("p", "peerkit-timer__cue");
  // The cue changes rarely (warning, overtime, paused): announce it politely.
  cue.setAttribute("aria-live", "polite");
  clockBox.append(clock, cue);

  const side = make("div", "peerkit-timer__side");
  const instruction = make("p", "peerkit-timer__instruction");
  const next = make("p", "peerkit-timer__next");
  const controls = make("div", "peerkit-timer__controls");
  const soundButton = make("button", "peerkit-timer__sound", "Enable sound");
  soundButton.type = "button";
  const soundState = make("span", "peerkit-timer__soundstate");
  controls.append(soundButton, soundState);
  side.append(instruction, next, controls);

  main.append(clockBox, side);
  root.append(heading, main);
  el.append(root);

  // ---- clock offset ------------------------------------------------------------------------
  let lo = -Infinity;
  let hi = Infinity;
  const addBounds = (a, b) => {
    const nlo = Math.max(lo, a);
    const nhi = Math.min(hi, b);
    if (nlo > nhi) {
      // Evidence contradicts what we had (the kernel's clock jumped): start again from it.
      lo = a;
      hi = b;
    } else {
      lo = nlo;
      hi = nhi;
    }
  };
  const offset = () => Math.min(Math.max(0, lo), hi);
  const kernelNow = () => Date.now() + offset();
  addBounds(get("server_now") - Date.now(), Infinity);

  const pings = new Map();
  let pingSeq = 0;
  const ping = () => {
    const id = `${Date.now()}-${++pingSeq}`;
    pings.set(id, Date.now());
    try {
      model.send({ type: "clock-ping", id });
    } catch (err) {
      pings.delete(id); // no kernel right now: the display keeps ticking regardless
    }
  };
  const onCustom = (msg) => {
    if (!msg || msg.type !== "clock-pong" || !pings.has(msg.id)) return;
    const t0 = pings.get(msg.id);
    const t1 = Date.now();
    pings.delete(msg.id);
    if (typeof msg.now === "number") addBounds(msg.now - t1, msg.now - t0);
    update(false);
  };
  model.on("msg:custom", onCustom);
  const timeouts = PING_DELAYS_MS.map((ms) => setTimeout(ping, ms));
  const pingTimer = setInterval(ping, PING_EVERY_MS);

  // ---- sound -------------------------------------------------------------------------------
  // Browsers keep sound off until a click on the page (autoplay policy), so the chime needs one
  // click on "Enable sound". The choice is remembered in this browser (localStorage, per size:
  // the projector's and the console's apart), so a reload, or the page reloading itself after a
  // lost kernel, comes back with the chime on (or muted) without anyone walking to the
  // projector. Whether the browser lets a remembered choice play without a new click is the
  // browser's call (its autoplay policy, the site's settings): where it keeps the new audio
  // suspended (silent, no error; a projector's browser started afresh), the remembered state
  // shows one button, "Sound on", and one click on it (or anywhere on the page) lets the
  // chime play again: data-sound="blocked" until then.
  const soundKey = `peerkit.sound.${get("size") === "projector" ? "projector" : "console"}`;
  const recall = () => {
    try {
      return window.localStorage.getItem(soundKey);
    } catch (err) {
      return null; // storage refused (a private window's policy): nothing remembered
    }
  };
  const remember = (value) => {
    try {
      window.localStorage.setItem(soundKey, value);
    } catch (err) {
      // not remembered: the button still works for this visit
    }
  };

  let audio = null;
  let armed = false;
  let muted = false;
  let chimes = 0;

  const blocked = () => armed && (!audio || audio.state !== "running");

  const beep = (volume = 0.35) => {
    if (!audio || audio.state === "closed") return;
    const start = audio.currentTime + 0.02;
    [
      [880, 0],
      [660, 0.28],
    ].forEach(([freq, at]) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(volume, start + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + at);
      osc.stop(start + at + 0.27);
    });
  };

  const renderSoundButton = () => {
    controls.hidden = !get("chime");
    if (!armed) {
      soundButton.textContent = "Enable sound";
      soundButton.removeAttribute("aria-pressed");
      soundButton.title = "Browsers keep sound off until a click: click once to allow the chime";
      soundState.textContent = "Sound off";
    } else if (blocked() && !muted) {
      soundButton.textContent = "Sound on";
      soundButton.removeAttribute("aria-pressed");
      soundButton.title = "This browser asks for one click after a reload before it plays sound";
      soundState.textContent = "Chime remembered: one click to let the browser play it";
    } else {
      // A toggle keeps one name; aria-pressed carries the state (WAI-ARIA button pattern).
      soundButton.textContent = "Mute chime";
      soundButton.setAttribute("aria-pressed", muted ? "true" : "false");
      soundButton.title = muted ? "The chime is muted" : "The chime plays when time runs out";
      soundState.textContent = muted ? "Chime muted" : "Chime on";
    }
    root.dataset.sound = !armed ? "off" : muted ? "muted" : blocked() ? "blocked" : "on";
  };

  const openAudio = () => {
    if (audio && audio.state !== "closed") return;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      audio = new Ctx();
      audio.addEventListener("statechange", renderSoundButton);
    } catch (err) {
      audio = null;
    }
  };

  const resume = () => {
    if (!audio || audio.state !== "suspended") return;
    audio.resume().then(renderSoundButton, () => {});
  };

  const onSoundClick = () => {
    if (!armed || blocked()) {
      openAudio();
      resume();
      beep(0.15); // a quiet confirmation that sound works
      armed = true;
      muted = false;
    } else {
      muted = !muted;
      openAudio();
      resume(); // a click: the browser lets a remembered, suspended chime play from here on
    }
    remember(muted ? "muted" : "on");
    renderSoundButton();
  };
  soundButton.addEventListener("click", onSoundClick);

  // Any click or key on the page is the gesture a browser waits for: the remembered chime
  // plays again without hunting for the button.
  const onGesture = () => resume();
  document.addEventListener("pointerdown", onGesture, true);
  document.addEventListener("keydown", onGesture, true);

  const kept = recall();
  if (kept === "on" || kept === "muted") {
    armed = true;
    muted = kept === "muted";
    openAudio();
    resume(); // allowed without a click only where the browser says so
  }

  // ---- state and ticking -------------------------------------------------------------------
  let prevRemaining = null;
  let chimedThisPhase = false;
  let lastPhaseKey = null;
  let lastLabel = "";
  let lastLabelKey = "";
  let lastLabelAt = 0;

  const secondsLeft = () => {
    if (get("running") && get("deadline") > 0) {
      return (get("deadline") - kernelNow()) / 1000;
    }
    return get("remaining");
  };

  const update = (force = false) => {
    const running = !!get("running");
    const paused = !running && !!get("paused");
    const phaseName = get("phase") || "";
    const rem = secondsLeft();
    const parts = clockParts(rem);
    const state = running ? "running" : paused ? "paused" : "ready";
    // A clock stopped at zero that is neither running nor paused (no phase, a finished round)
    // is not in overtime and has nothing left to warn about.
    const idle = state === "ready" && rem >= 0 && parts.secs === 0;
    const over = parts.over && !idle;
    const secs = parts.secs;
    const warnAt = Math.max(0, get("warn_seconds") || 0);
    // Shown seconds, so the band turns as the display goes from 01:00 to 00:59.
    const band = over ? "over" : secs < warnAt && !idle ? "warn" : "normal";

    // A new step, phase or presenter re-arms the chime; crossing zero plays it once.
    const phaseKey = `${get("step")}\u0000${get("presenter")}\u0000${phaseName}`;
    if (phaseKey !== lastPhaseKey) {
      lastPhaseKey = phaseKey;
      chimedThisPhase = false;
      prevRemaining = null;
    }
    if (running && prevRemaining !== null && prevRemaining > 0 && rem <= 0 && !chimedThisPhase) {
      chimedThisPhase = true;
      if (get("chime") && armed && !muted && !blocked()) {
        beep();
        chimes += 1;
        root.dataset.chimes = String(chimes);
      }
    }
    prevRemaining = running ? rem : null;

    const text = (over && (running || paused || rem < 0) ? "+" : "") + formatClock(secs);
    if (clock.textContent !== text) clock.textContent = text;
    root.dataset.length = text.length > 6 ? "long" : "short";
    if (root.style.getPropertyValue("--pk-chars") !== String(text.length)) {
      root.style.setProperty("--pk-chars", String(text.length)); // the projector sizes digits by it
    }
    root.dataset.state = state;
    root.dataset.band = band;
    root.dataset.size = get("size") === "projector" ? "projector" : "console";

    let cueText = "";
    if (band === "over") cueText = paused ? "Paused \u00b7 Overtime" : "Overtime";
    else if (paused) cueText = "Paused";
    else if (state === "ready") cueText = phaseName && !idle ? "Ready" : "";
    else if (band === "warn") cueText = `Less than ${spokenDuration(warnAt)} left`;
    if (cue.textContent !== cueText) cue.textContent = cueText;

    const who = get("presenter") || "";
    const presenterText = who ? `On the hot seat: ${who}` : "";
    if (presenter.textContent !== presenterText) presenter.textContent = presenterText;
    if (phase.textContent !== phaseName) phase.textContent = phaseName;
    const instr = get("instruction") || "";
    if (instruction.textContent !== instr) instruction.textContent = instr;
    const nextName = get("next_phase") || "";
    const nextText = nextName ? `Next: ${nextName}` : "";
    if (next.textContent !== nextText) next.textContent = nextText;
    presenter.hidden = !presenterText;
    instruction.hidden = !instr;
    next.hidden = !nextText;

    // The accessible label: on every state change, otherwise at most every 10 s.
    const labelKey = `${state}|${band}|${phaseName}|${who}`;
    const now = Date.now();
    if (force || labelKey !== lastLabelKey || now - lastLabelAt >= LABEL_EVERY_MS) {
      const subject = phaseName || "Timer";
      let label;
      if (over) {
        label = `${subject}: ${paused ? "paused in overtime" : "overtime"}, ${spokenDuration(secs)} over`;
      } else if (paused) {
        label = `${subject}: paused, ${spokenDuration(secs)} left`;
      } else if (state === "ready") {
        if (!phaseName) label = "Timer: no phase running";
        else label = idle ? subject : `${subject}: ready, ${spokenDuration(secs)}`;
      } else {
        label = `${subject}: ${spokenDuration(secs)} left`;
      }
      if (label !== lastLabel) clock.setAttribute("aria-label", label);
      lastLabel = label;
      lastLabelKey = labelKey;
      lastLabelAt = now;
    }
  };

  let pending = false;
  const onChange = () => {
    // hold_sync() sends many keys in one message: redraw once after all of them.
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      renderSoundButton();
      update(true);
    });
  };
  const onServerNow = () => {
    addBounds(get("server_now") - Date.now(), Infinity);
  };
  SYNCED_KEYS.forEach((key) => model.on(`change:${key}`, onChange));
  model.on("change:server_now", onServerNow);

  renderSoundButton();
  update(true);
  const tick = setInterval(() => update(false), TICK_MS);

  return () => {
    clearInterval(tick);
    clearInterval(pingTimer);
    timeouts.forEach(clearTimeout);
    SYNCED_KEYS.forEach((key) => model.off(`change:${key}`, onChange));
    model.off("change:server_now", onServerNow);
    model.off("msg:custom", onCustom);
    soundButton.removeEventListener("click", onSoundClick);
    document.removeEventListener("pointerdown", onGesture, true);
    document.removeEventListener("keydown", onGesture, true);
    if (audio && audio.state !== "closed") audio.close();
    root.remove();
  };
}

export default { render };
