/**
 * DOM helpers. Everything the API says (reasons come from Claude and from users) goes into text nodes or
 * attribute values, never into markup: there is no innerHTML in the dashboard.
 */

const PROPS = new Set(["value", "checked", "disabled", "selected", "hidden", "open", "type", "name", "min", "max", "step", "required"]);

/** An element with `props` (class, text, on: {event: fn}, dataset, attributes) and children (strings become text). */
export function h(tag, props = null, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = String(v);
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (k === "dataset") Object.assign(el.dataset, v);
      else if (PROPS.has(k)) el[k] = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `el`. */
export function put(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

const isNum = (x) => typeof x === "number" && Number.isFinite(x);

export const fmt = {
  num(x, digits = 2) {
    return isNum(x) ? x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "—";
  },
  /** A price with the precision its size needs. */
  price(x) {
    if (!isNum(x)) return "—";
    const a = Math.abs(x);
    return fmt.num(x, a >= 1000 ? 2 : a >= 1 ? 4 : 6);
  },
  qty(x) {
    return isNum(x) ? x.toLocaleString("en-US", { maximumFractionDigits: 6 }) : "—";
  },
  /** A signed amount: +12.34 / −5.00. */
  signed(x, digits = 2) {
    if (!isNum(x)) return "—";
    return `${x > 0 ? "+" : x < 0 ? "−" : ""}${fmt.num(Math.abs(x), digits)}`;
  },
  pct(x, digits = 2) {
    return isNum(x) ? `${(x * 100).toFixed(digits)}%` : "—";
  },
  signedPct(x, digits = 2) {
    return isNum(x) ? `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x * 100).toFixed(digits)}%` : "—";
  },
  /** Engine time (market time in a replay) as UTC. */
  time(ms) {
    if (!isNum(ms) || ms <= 0) return "—";
    return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")}Z`;
  },
  day(ms) {
    return isNum(ms) && ms > 0 ? new Date(ms).toISOString().slice(0, 10) : "—";
  },
  /** Short JSON of anything, for values without a better view. */
  json(x, max = 400) {
    const s = typeof x === "string" ? x : JSON.stringify(x);
    return s === undefined ? "—" : s.length > max ? `${s.slice(0, max)}…` : s;
  },
};

/** A class for the sign of `x`: up, down or none. */
export const tone = (x) => (typeof x === "number" && x > 0 ? "up" : typeof x === "number" && x < 0 ? "down" : "");

export const badge = (text, cls = text) => h("span", { class: `badge ${cls}`, text });

/** A definition list of [label, value] pairs (values: text or nodes); null values are left out. */
export function kv(pairs) {
  return h(
    "dl",
    { class: "kv" },
    pairs.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [h("dt", { text: k }), h("dd", null, v)]),
  );
}

/** A table in a horizontal scroller: `cols` [{label, n?}] and rows of cells (text or nodes). */
export function table(cols, rows) {
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      null,
      h("thead", null, h("tr", null, cols.map((c) => h("th", { class: c.n ? "n" : null, text: c.label })))),
      h("tbody", null, rows.map((r) => h("tr", null, r.map((cell, i) => h("td", { class: cols[i]?.n ? "n" : null }, cell))))),
    ),
  );
}

/** A bar of `value` in [0, 1] (or [−1, 1] with `centered`). */
export function bar(value, { centered = false } = {}) {
  const span = h("span");
  const v = Math.max(centered ? -1 : 0, Math.min(1, Number(value) || 0));
  if (centered) {
    span.className = v < 0 ? "neg" : "pos";
    span.style.left = `${50 + Math.min(0, v) * 50}%`;
    span.style.width = `${Math.abs(v) * 50}%`;
  } else {
    span.style.left = "0";
    span.style.width = `${v * 100}%`;
  }
  return h("div", { class: centered ? "bar center" : "bar" }, span);
}
