"""The built clients are served from frontend/dist: pages uncached, assets cached for a year."""

import gzip

import pytest


@pytest.fixture
def dist(tmp_path, settings):
    (tmp_path / "assets").mkdir()
    (tmp_path / "h5").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><head><title>workbench</title>")
    (tmp_path / "h5" / "index.html").write_text("<!doctype html><head><title>portal</title>")
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('工作台')")
    (tmp_path / "assets" / "app-1a2b.js.gz").write_bytes(gzip.compress(b"console.log(1)"))
    (tmp_path / "assets" / "app-1a2b.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("outside assets")
    settings.FRONTEND_DIST = tmp_path
    return tmp_path


@pytest.mark.parametrize("url", ["/", "/persons/7d7c1f0e-0000-4000-8000-000000000000", "/login"])
def test_workbench_routes_get_the_workbench_page_uncached_with_csp_and_csrf_cookie(
    client, dist, url
):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"<title>workbench</title>" in response.content
    assert "no-cache" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "csrftoken" in response.cookies


def test_the_page_tells_the_client_whether_a_session_came_with_it(client, dist, make_user):
    # given
    anonymous = client.get("/").content.decode()
    client.force_login(make_user("dr", "doctor"))
    # when
    logged_in = client.get("/").content.decode()
    # then
    assert '<meta name="healthloop-session" content="0" />' in anonymous
    assert '<meta name="healthloop-session" content="1" />' in logged_in


@pytest.mark.parametrize("url", ["/h5/", "/h5/exams/2025", "/h5/login"])
def test_portal_routes_get_the_portal_page(client, dist, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<title>portal</title>" in response.content


def test_h5_without_slash_redirects(client, dist):
    response = client.get("/h5")
    assert (response.status_code, response["Location"]) == (302, "/h5/")


def test_asset_is_served_with_its_type_and_immutable_cache(client, dist):
    # when
    response = client.get("/assets/app-1a2b.css")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == b"body{}"


def test_precompressed_asset_is_served_to_a_gzip_client(client, dist):
    response = client.get("/assets/app-1a2b.js", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(b"".join(response.streaming_content)) == b"console.log(1)"


def test_plain_asset_without_gzip_support(client, dist):
    response = client.get("/assets/app-1a2b.js")
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == "console.log('工作台')".encode()


@pytest.mark.parametrize(
    "path", ["/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/nope.js"]
)
def test_missing_or_escaping_asset_is_404(client, dist, path):
    assert client.get(path).status_code == 404


def test_unknown_api_path_is_not_answered_with_the_client_page(client, dist):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert b"workbench" not in response.content


def test_post_to_a_client_page_is_refused(client, dist):
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("url", ["/", "/h5/"])
def test_without_a_build_the_page_says_how_to_build(client, settings, tmp_path, url):
    # given
    settings.FRONTEND_DIST = tmp_path / "nothing-here"
    # when
    response = client.get(url)
    # then
    assert response.status_code == 503
    body = response.content.decode()
    assert "frontend/build.sh" in body
    assert "前端尚未构建" in body
