/**
 * GET /docs: a self-contained page (no CDN, no external asset) that fetches /openapi.json and renders
 * every route by tag with its scope, parameters, body, responses and limits, and the stream's events.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edgetrader API</title>
<style>
  :root { --fg: #1d2330; --muted: #5f6b7a; --line: #dde3ea; --bg: #f7f9fb; --get: #1f7a4d; --post: #1d5fb8; --put: #8a5a00; --patch: #6b3fb5; --delete: #b3261e; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
  header { padding: 20px 32px; background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { margin: 0 0 4px; font-size: 22px; }
  main { display: grid; grid-template-columns: 240px 1fr; gap: 24px; padding: 24px 32px; }
  nav { position: sticky; top: 16px; align-self: start; font-size: 14px; }
  nav a { display: block; color: var(--fg); text-decoration: none; padding: 2px 0; }
  nav a:hover { text-decoration: underline; }
  input#filter { width: 100%; padding: 6px 8px; margin-bottom: 12px; border: 1px solid var(--line); border-radius: 6px; }
  section.tag > h2 { margin: 24px 0 8px; font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
  details.op { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; }
  details.op > summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 10px; align-items: baseline; list-style: none; }
  .method { font: 600 12px ui-monospace, monospace; color: #fff; border-radius: 4px; padding: 2px 6px; min-width: 56px; text-align: center; text-transform: uppercase; }
  .path { font-family: ui-monospace, monospace; font-weight: 600; }
  .scope { font-size: 12px; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; color: var(--muted); margin-left: auto; }
  .scope.trade { border-color: #d9a400; color: #8a5a00; } .scope.admin { border-color: #b3261e; color: #b3261e; }
  .body { padding: 4px 16px 12px; border-top: 1px solid var(--line); }
  table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 6px 0; }
  th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top; }
  pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; font-size: 12px; max-height: 360px; }
  code { font-family: ui-monospace, monospace; font-size: 13px; }
  .muted { color: var(--muted); }
  #error { color: var(--delete); }
</style>
</head>
<body>
<header><h1 id="title">Edgetrader API</h1><div id="subtitle" class="muted">loading /openapi.json …</div></header>
<main>
  <nav><input id="filter" placeholder="filter routes" aria-label="filter routes"><div id="toc"></div></nav>
  <div id="content"><p id="error"></p></div>
</main>
<script>
(function () {
  var COLORS = { get: "var(--get)", post: "var(--post)", put: "var(--put)", patch: "var(--patch)", delete: "var(--delete)" };
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function resolve(doc, s) {
    if (s && s.$ref && s.$ref.indexOf("#/components/schemas/") === 0) return doc.components.schemas[s.$ref.slice(21)] || s;
    return s;
  }
  function schemaBlock(doc, schema) { return el("pre", { text: JSON.stringify(resolve(doc, schema), null, 2) }); }
  function text(md) {
    var p = el("div");
    String(md || "").split(/\\n\\n+/).forEach(function (para) {
      var d = el("p");
      para.split(/(\`[^\`]*\`|\\*\\*[^*]*\\*\\*)/).forEach(function (part) {
        if (/^\`.*\`$/.test(part)) d.appendChild(el("code", { text: part.slice(1, -1) }));
        else if (/^\\*\\*.*\\*\\*$/.test(part)) d.appendChild(el("strong", { text: part.slice(2, -2) }));
        else d.appendChild(document.createTextNode(part));
      });
      p.appendChild(d);
    });
    return p;
  }
  function render(doc) {
    document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
    document.getElementById("subtitle").textContent = "OpenAPI " + doc.openapi + " · " + Object.keys(doc.paths).length + " paths · raw document at /openapi.json";
    var content = document.getElementById("content"), toc = document.getElementById("toc");
    content.appendChild(text(doc.info.description));
    var byTag = {};
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method], tag = (op.tags || ["other"])[0];
        (byTag[tag] = byTag[tag] || []).push({ path: path, method: method, op: op });
      });
    });
    (doc.tags || []).map(function (t) { return t.name; }).concat(Object.keys(byTag)).filter(function (t, i, all) { return byTag[t] && all.indexOf(t) === i; }).forEach(function (tag) {
      var info = (doc.tags || []).filter(function (t) { return t.name === tag; })[0];
      var sec = el("section", { class: "tag", id: "tag-" + tag }, [el("h2", { text: tag + (info && info.description ? " — " + info.description : "") })]);
      toc.appendChild(el("a", { href: "#tag-" + tag, text: tag }));
      byTag[tag].forEach(function (r) {
        var op = r.op, scope = op["x-scope"] || "public";
        var body = el("div", { class: "body" }, [text(op.description)]);
        if (op.parameters && op.parameters.length) {
          var rows = op.parameters.map(function (p) {
            return el("tr", {}, [el("td", {}, [el("code", { text: p.name })]), el("td", { text: p.in }), el("td", { text: p.required ? "yes" : "" }), el("td", {}, [el("code", { text: JSON.stringify(p.schema) })]), el("td", { text: p.description || "" })]);
          });
          body.appendChild(el("h4", { text: "Parameters" }));
          body.appendChild(el("table", {}, [el("tr", {}, ["name", "in", "required", "schema", ""].map(function (h) { return el("th", { text: h }); }))].concat(rows)));
        }
        if (op.requestBody) {
          body.appendChild(el("h4", { text: "Body (" + (op["x-body-limit"] ? op["x-body-limit"] + " bytes at most" : "JSON") + ")" }));
          body.appendChild(schemaBlock(doc, op.requestBody.content["application/json"].schema));
        }
        body.appendChild(el("h4", { text: "Responses" }));
        Object.keys(op.responses).forEach(function (status) {
          var res = op.responses[status], media = res.content && Object.keys(res.content)[0];
          var d = el("details", {}, [el("summary", {}, [el("strong", { text: status + " " }), res.description])]);
          if (media) d.appendChild(schemaBlock(doc, res.content[media].schema));
          body.appendChild(d);
        });
        if (op["x-events"]) {
          body.appendChild(el("h4", { text: "Events" }));
          Object.keys(op["x-events"]).forEach(function (type) {
            var s = resolve(doc, op["x-events"][type]);
            var d = el("details", {}, [el("summary", {}, [el("code", { text: type }), " — " + (s.description || "")])]);
            d.appendChild(schemaBlock(doc, s));
            body.appendChild(d);
          });
        }
        var badge = el("span", { class: "method", style: "background:" + (COLORS[r.method] || "#555"), text: r.method });
        var details = el("details", { class: "op", "data-key": (r.method + " " + r.path + " " + op.summary).toLowerCase() }, [
          el("summary", {}, [badge, el("span", { class: "path", text: r.path }), el("span", { text: op.summary }), el("span", { class: "scope " + scope, text: scope })]),
          body,
        ]);
        sec.appendChild(details);
      });
      content.appendChild(sec);
    });
    document.getElementById("filter").addEventListener("input", function (e) {
      var q = e.target.value.toLowerCase();
      document.querySelectorAll("details.op").forEach(function (d) { d.style.display = d.getAttribute("data-key").indexOf(q) >= 0 ? "" : "none"; });
    });
  }
  fetch("/openapi.json").then(function (r) { if (!r.ok) throw new Error("GET /openapi.json: " + r.status); return r.json(); }).then(render).catch(function (err) {
    document.getElementById("error").textContent = String(err);
  });
})();
</script>
</body>
</html>
`;
