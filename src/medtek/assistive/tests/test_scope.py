"""HMC staff reach the region's assistive devices only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device
from medtek.inventory.services import device_change_status, device_update


def test_hmc_lists_only_assistive_devices(hmc_world):
    visible = set(Device.objects.visible_to(hmc_world.hmc).values_list("asset_number", flat=True))
    assert visible == {"HMC-T0", "HMC-T1", "HMC-T2"}


def test_mt_admin_still_sees_every_device_of_the_region(hmc_world):
    visible = set(Device.objects.visible_to(hmc_world.mth_admin).values_list("asset_number", flat=True))
    assert "MTH-VENT-1" in visible and "HMC-T0" in visible


def test_hmc_changing_a_ventilator_is_refused_with_the_reason(hmc_world):
    with pytest.raises(PermissionDenied, match=r"HMC staff may change assistive devices only\."):
        device_update(user=hmc_world.hmc, device=hmc_world.ventilator, notes="x")
    hmc_world.ventilator.refresh_from_db()
    assert hmc_world.ventilator.notes == ""


def test_hmc_cannot_put_a_ventilator_on_loan(hmc_world):
    with pytest.raises(PermissionDenied, match=r"HMC staff may change assistive devices only\."):
        device_change_status(user=hmc_world.hmc, device=hmc_world.ventilator, status=DeviceStatus.ON_LOAN)
    assert Device.objects.get(pk=hmc_world.ventilator.pk).status == DeviceStatus.IN_USE


def test_no_one_puts_a_ventilator_on_loan(hmc_world):
    with pytest.raises(ValidationError, match=r"Only an assistive device can be .On loan.\."):
        device_change_status(
            user=hmc_world.mth_admin, device=hmc_world.ventilator, status=DeviceStatus.ON_LOAN
        )


def test_an_item_goes_on_loan_only_by_dispensing(hmc_world):
    with pytest.raises(ValidationError, match="An item goes on loan by dispensing"):
        device_change_status(
            user=hmc_world.hmc, device=hmc_world.items[0].device, status=DeviceStatus.ON_LOAN
        )


def test_hmc_registering_a_ventilator_is_refused(hmc_world):
    from medtek.inventory.services import device_create

    with pytest.raises(PermissionDenied, match=r"HMC staff may change assistive devices only\."):
        device_create(
            user=hmc_world.hmc, asset_number="X1", model=hmc_world.ventilator.model, owner=hmc_world.region
        )
    assert not Device.objects.filter(asset_number="X1").exists()
