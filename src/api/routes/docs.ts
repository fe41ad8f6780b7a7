import type { RouteGroup } from "../contract";
import { routes } from "../contract";
import { DOCS_HTML } from "../docs-page";
import { buildOpenApi } from "../openapi";

/**
 * The API's own description, public: GET /openapi.json (OpenAPI 3.1 built from the registered routes of
 * `groups`, this group included, once per isolate) and GET /docs (a page that renders it, served offline).
 */
export function docsRoutes(groups: () => readonly RouteGroup[]): RouteGroup {
  let doc: Record<string, unknown> | null = null;
  return routes("", "docs", "This document and its page")
    .get({ path: "/openapi.json", scope: "public", security: "none", summary: "The OpenAPI 3.1 document of this API" }, (c) => {
      doc ??= buildOpenApi(groups());
      return c.json(doc);
    })
    .get({ path: "/docs", scope: "public", security: "none", summary: "The API's documentation page (renders /openapi.json)", produces: "text/html" }, (c) => c.html(DOCS_HTML));
}
