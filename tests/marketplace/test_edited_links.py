"""Links a person edited by hand get a page or a 4xx with a code, never a server error."""

import pytest

from tests.factories import ProductFactory, UserFactory, ensure_markets

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past a 64-bit id
URLS = [
    "/shop/?sort=zz&cursor=zz&category=zz&q=serum%00",
    "/products/{p}/?variant=abc",
    f"/products/{{p}}/?variant={HUGE}",
    "/orders/?status=zz",
    "/seller/orders/?status=zz",
    "/?v=abc",
    f"/?v={HUGE}",
    "/following/?v=zz",
    "/api/feed/?page_size=abc&cursor=zz",
    f"/api/feed/?v={HUGE}",
    "/api/products/?min_price=abc&max_price=1.234&page_size=x",
    "/api/products/?q=serum%00",
    "/api/products/?cursor=zz",
    "/api/orders/?cursor=zz",
    "/api/deals/?page_size=-1",
    "/t/abc/1/",
    "/api/creators/x/videos/?cursor=zz",
    "/api/seller/orders/?status=zz",
]


@pytest.mark.parametrize("url", URLS)
def test_edited_link_is_not_a_server_error(client, url):
    markets = ensure_markets()
    product = ProductFactory(title="Serum")
    client.force_login(UserFactory(market=markets["US"]))
    client.raise_request_exception = False
    response = client.get(url.format(p=product.pk))
    assert response.status_code < 500, (url, response.status_code)


def test_a_nul_in_the_search_box_still_searches(client):
    ensure_markets()
    ProductFactory(title="Snail serum")
    response = client.get("/shop/?q=snail%00")
    assert response.status_code == 200
    assert "Snail serum" in response.content.decode()
