"""Serve the built web clients from ``frontend/dist`` (see docs/frontend.md).

- ``/`` and every client-side route of the workbench get ``dist/index.html``;
- ``/h5/`` and its routes get ``dist/h5/index.html`` (the employee portal);
- ``/assets/<file>`` are Vite's content-hashed files: cached for a year, served pre-compressed
  (``<file>.gz``, written by ``frontend/build.sh``) when the browser accepts gzip.

The HTML pages are never cached (``no-cache``) so a deploy is seen at once, carry a strict
Content-Security-Policy (no inline script, nothing from another origin: the clients use no CDN)
and set the CSRF cookie the clients send back on writes. A ``<meta name="healthloop-session">``
tells the client whether the request came with a live session, so an anonymous visitor is shown
the log-in page without a failing ``/me`` request first. Without a build, the pages answer 503
with a message that says how to build, instead of failing.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils._os import safe_join
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

CLIENT_PAGES = {"workbench": "index.html", "portal": "h5/index.html"}
ASSET_MAX_AGE = 365 * 24 * 3600
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Element Plus, Vant and ECharts set inline style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".json": "application/json",
    ".map": "application/json",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


def dist_dir() -> Path:
    return Path(getattr(settings, "FRONTEND_DIST", settings.BASE_DIR / "frontend" / "dist"))


@require_safe
@ensure_csrf_cookie
def client_page(request, client: str):
    page = dist_dir() / CLIENT_PAGES[client]
    if not page.is_file():
        response = render(request, "web/not_built.html", status=503)
    else:
        session = "1" if request.user.is_authenticated else "0"
        html = page.read_text(encoding="utf-8").replace(
            "<head>", f'<head>\n    <meta name="healthloop-session" content="{session}" />', 1
        )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def asset(request, path: str):
    try:
        file = Path(safe_join(dist_dir() / "assets", path))
    except Exception as exc:  # SuspiciousFileOperation: a path outside assets/
        raise Http404("asset") from exc
    if not file.is_file():
        raise Http404("asset")
    content_type = _TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
    gzipped = file.with_name(file.name + ".gz")
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    if accepts_gzip and gzipped.is_file():
        response = FileResponse(gzipped.open("rb"), content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=ASSET_MAX_AGE, immutable=True)
    return response
