"""The API's reference page: inside the site's page, from our own static files only."""

import re

from django.urls import reverse


def test_the_reference_is_a_page_of_the_site_with_local_scripts_only(client, teacher):
    client.force_login(teacher)
    teacher.language = "de"
    teacher.save(update_fields=["language"])

    response = client.get(reverse("api-1:openapi-view"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html and "<h1>JSON-API</h1>" in html
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle" in source for source in sources)
    assert all(source.startswith(("/", "data:")) for source in sources), sources  # no CDN
    assert reverse("access-tokens") in html


def test_signed_out_the_reference_is_shown_without_the_tokens_link(client):
    html = client.get(reverse("api-1:openapi-view")).content.decode()
    assert "data-settings=" in html and reverse("access-tokens") not in html
