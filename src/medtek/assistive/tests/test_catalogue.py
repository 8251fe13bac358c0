"""HMC's catalogue: articles added and edited, items registered as devices of the centre, on the pages
(in Swedish, keeping what was typed) and in the API; bad input names the field and writes nothing."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from medtek.assistive import services
from medtek.assistive.models import Article, Item
from medtek.core.models import Event
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device


def client_for(user, language="sv"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def api(user, method, path, body):
    return client_for(user, "en").generic(
        method, f"/api/v1/assistive{path}", data=json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def rollator_model(db):
    from medtek.inventory.tests.factories import DeviceModelFactory

    return DeviceModelFactory(name="Rollz Motion", category="Rollator", is_assistive=True)


def article_body(model, **changes):
    return {
        "device_model_id": model.pk,
        "name": "Rollator, inomhus",
        "iso_code": "12 06 06",
        "monthly_rent": "60.00",
        "price": "2500.00",
        **changes,
    }


# --- services ---------------------------------------------------------------------------------------


def test_hmc_adds_an_article_with_its_prices(hmc_world, rollator_model):
    article = services.article_create(
        user=hmc_world.hmc,
        device_model=rollator_model,
        name="Rollator, inomhus",
        iso_code="120606",
        monthly_rent="60",
        price="2500",
        delivery_fee="150",
    )
    assert (article.centre, article.iso_code, article.monthly_rent) == (
        hmc_world.centre,
        "12 06 06",
        Decimal("60.00"),
    )
    assert (article.needs_fitting, article.fitting_fee, article.delivery_fee) == (
        False,
        Decimal("0.00"),
        Decimal("150.00"),
    )


def test_a_fitting_fee_on_an_article_without_fitting_is_refused(hmc_world, rollator_model):
    with pytest.raises(services.ValidationError) as exc:
        services.article_create(
            user=hmc_world.hmc,
            device_model=rollator_model,
            name="Rollator",
            iso_code="12 06 06",
            monthly_rent="60",
            price="2500",
            fitting_fee="300",
        )
    assert exc.value.message_dict == {
        "fitting_fee": ["A fitting fee applies only to an article that needs fitting (utprovning)."]
    }
    assert not Article.objects.filter(device_model=rollator_model).exists()


def test_a_second_article_of_one_model_is_refused(hmc_world):
    with pytest.raises(services.ValidationError) as exc:
        services.article_create(
            user=hmc_world.hmc,
            device_model=hmc_world.lift.device_model,
            name="Personlyft igen",
            iso_code="12 36 03",
            monthly_rent="450",
            price="56000",
        )
    assert exc.value.message_dict == {"device_model": ["The centre already has an article for this model."]}


def test_an_article_of_a_model_that_is_not_assistive_is_refused(hmc_world):
    with pytest.raises(services.ValidationError) as exc:
        services.article_create(
            user=hmc_world.hmc,
            device_model=hmc_world.ventilator.model,
            name="Ventilator",
            iso_code="04 03 12",
            monthly_rent="1",
            price="1",
        )
    assert exc.value.message_dict == {"device_model": ["An article is a model of assistive device."]}


def test_editing_an_article_changes_only_what_is_given(hmc_world):
    article = services.article_update(user=hmc_world.hmc, article=hmc_world.lift, monthly_rent="475.50")
    assert (article.monthly_rent, article.price, article.name) == (
        Decimal("475.50"),
        Decimal("56000.00"),
        "Personlyft, mobil",
    )


def test_an_item_is_a_device_of_the_centre_in_stock(hmc_world):
    item = services.item_add(user=hmc_world.hmc, article=hmc_world.lift, asset_number="HMC-NY1")
    device = Device.objects.get(asset_number="HMC-NY1")
    assert item.device == device
    assert (device.owner, device.status, device.model) == (
        hmc_world.centre,
        DeviceStatus.IN_STOCK,
        hmc_world.lift.device_model,
    )


def test_an_item_with_a_used_asset_number_writes_neither_device_nor_item(hmc_world):
    before = (Device.objects.count(), Item.objects.count(), Event.objects.count())
    with pytest.raises(services.ValidationError) as exc:
        services.item_add(user=hmc_world.hmc, article=hmc_world.lift, asset_number="HMC-T0")
    assert "asset_number" in exc.value.message_dict
    assert (Device.objects.count(), Item.objects.count(), Event.objects.count()) == before


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_adds_an_article_and_registers_an_item(hmc_world, rollator_model):
    response = api(hmc_world.hmc, "POST", "/articles", article_body(rollator_model))
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]
    assert response.json()["iso_code"] == "12 06 06"
    response = api(hmc_world.hmc, "POST", f"/articles/{article_id}/items", {"asset_number": "HMC-R1"})
    assert response.status_code == 201, response.content
    assert (response.json()["asset_number"], response.json()["status"]) == ("HMC-R1", "in_stock")


def test_the_api_edits_an_article(hmc_world):
    response = api(hmc_world.hmc, "PATCH", f"/articles/{hmc_world.lift.pk}", {"name": "Personlyft, golv"})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Personlyft, golv"


def test_the_api_refuses_a_bad_iso_code_naming_the_field_and_writes_nothing(hmc_world, rollator_model):
    before = Article.objects.count()
    response = api(hmc_world.hmc, "POST", "/articles", article_body(rollator_model, iso_code="12 6"))
    assert response.status_code == 422
    assert "iso_code" in response.json()["errors"]
    assert Article.objects.count() == before


def test_the_api_refuses_a_negative_rent(hmc_world):
    response = api(hmc_world.hmc, "PATCH", f"/articles/{hmc_world.lift.pk}", {"monthly_rent": "-1"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"monthly_rent": ["An amount cannot be negative."]}


def test_a_prescriber_may_not_add_articles(hmc_world, rollator_model):
    response = api(hmc_world.prescriber_user, "POST", "/articles", article_body(rollator_model))
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role may not manage assistive devices."
    response = api(hmc_world.prescriber_user, "PATCH", f"/articles/{hmc_world.lift.pk}", {"name": "x"})
    assert response.status_code == 403


def test_mt_may_not_register_items_of_the_centres_articles(hmc_world):
    response = api(
        hmc_world.mth_admin, "POST", f"/articles/{hmc_world.lift.pk}/items", {"asset_number": "X1"}
    )
    assert response.status_code in {403, 404}
    assert not Device.objects.filter(asset_number="X1").exists()


# --- the pages ----------------------------------------------------------------------------------------


def test_hmc_adds_an_article_on_the_page(hmc_world, rollator_model):
    response = client_for(hmc_world.hmc).post(
        "/assistive/articles/new/",
        {
            "device_model": rollator_model.pk,
            "name": "Rollator, inomhus",
            "iso_code": "12 06 06",
            "monthly_rent": "60",
            "price": "2500",
            "fitting_fee": "0",
            "delivery_fee": "0",
        },
    )
    article = Article.objects.get(device_model=rollator_model)
    assert response.status_code == 302
    assert response["Location"] == f"/assistive/articles/{article.pk}/"
    page = client_for(hmc_world.hmc).get(response["Location"]).content.decode()
    assert "Rollator, inomhus" in page and "Registrera en individ" in page


def test_a_bad_article_on_the_page_keeps_what_was_typed_and_says_why_at_the_field(hmc_world, rollator_model):
    response = client_for(hmc_world.hmc).post(
        "/assistive/articles/new/",
        {
            "device_model": rollator_model.pk,
            "name": "Rollator, inomhus",
            "iso_code": "12 6",
            "monthly_rent": "60",
            "price": "2500",
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == ["iso_code"]
    page = response.content.decode()
    assert 'value="Rollator, inomhus"' in page
    assert not Article.objects.filter(device_model=rollator_model).exists()


def test_hmc_edits_an_article_on_the_page(hmc_world):
    w = hmc_world
    response = client_for(w.hmc).post(
        f"/assistive/articles/{w.lift.pk}/edit/",
        {
            "name": "Personlyft, mobil",
            "iso_code": "12 36 03",
            "monthly_rent": "500",
            "price": "56000",
            "needs_fitting": "on",
            "fitting_fee": "350",
            "delivery_fee": "0",
        },
    )
    assert response.status_code == 302
    w.lift.refresh_from_db()
    assert (w.lift.monthly_rent, w.lift.fitting_fee) == (Decimal("500.00"), Decimal("350.00"))


def test_hmc_registers_an_item_on_the_page_and_a_used_number_is_named(hmc_world):
    w = hmc_world
    client = client_for(w.hmc)
    response = client.post(f"/assistive/articles/{w.lift.pk}/items/new/", {"asset_number": "HMC-P1"})
    assert response.status_code == 302
    assert Item.objects.filter(device__asset_number="HMC-P1", article=w.lift).exists()
    response = client.post(
        f"/assistive/articles/{w.lift.pk}/items/new/", {"asset_number": "HMC-P1", "serial_number": "SN-9"}
    )
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["asset_number"]
    assert 'value="SN-9"' in response.content.decode()
    assert Item.objects.filter(device__asset_number="HMC-P1").count() == 1


def test_the_catalogue_pages_are_hmcs_only(hmc_world):
    w = hmc_world
    assert client_for(w.prescriber_user).get("/assistive/articles/new/").status_code == 403
    assert client_for(w.prescriber_user).get(f"/assistive/articles/{w.lift.pk}/edit/").status_code == 403
    assert client_for(w.mth_admin).post(f"/assistive/articles/{w.lift.pk}/items/new/", {}).status_code in {
        403,
        404,
    }
