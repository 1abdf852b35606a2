"""Security headers Django does not set itself: Content-Security-Policy and
Permissions-Policy (``settings.CONTENT_SECURITY_POLICY``, ``settings.PERMISSIONS_POLICY``).

The policy allows only same-origin scripts, styles, images, fonts and connections (plus
``data:`` images and fonts), no plugins, no framing, no foreign form targets. The built front
end (``frontend/dist``) passes it: the browser test ``e2e/test_security_headers.py`` opens the
workbench and the portal and fails on any CSP violation. The Swagger UI page
(``/api/docs/``) needs inline script and is served with its own relaxed policy.
"""

from django.conf import settings

RELAXED_PREFIXES = ("/api/docs/",)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith(RELAXED_PREFIXES):
            policy = settings.CONTENT_SECURITY_POLICY_DOCS
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if settings.PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
