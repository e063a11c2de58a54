import pytest
from django.urls import reverse


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_sign_in_page_speaks_the_browsers_language(live_server, new_page):
    page = new_page(locale="ru-RU")
    page.goto(live_server.url + reverse("account_login"))
    assert page.locator("html").get_attribute("lang") == "ru"
