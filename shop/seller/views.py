"""Seller-center pages. Each view gets its seller and objects from ``access`` and writes
through the catalog services; forms POST, then redirect (POST-redirect-GET)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from ..errors import InvalidCommissionRate
from ..models import Product, ProductStatus, Variant
from ..services.catalog import (
    product_create,
    product_image_add,
    product_image_delete,
    product_image_move,
    product_refresh_summary,
    product_set_stock,
    product_update,
    variant_create,
    variant_delete,
    variant_update,
)
from ..services.shopify_import import shopify_csv_import
from .access import (
    image_for_product,
    no_shop_response,
    product_for_seller,
    seller_view,
    sellers_for_user,
)
from .forms import (
    ImageUploadForm,
    ProductForm,
    ShopifyImportForm,
    StockFormSet,
    percent_label,
    variant_formset,
)
from .selectors import seller_products

PAGE_SIZE = 25
IMPORT_SESSION_KEY = "seller_import_result"
IMPORT_FETCH_BUDGET_SECONDS = 15.0


def _url(name: str, seller, *args) -> str:
    return reverse(f"seller:{name}", args=[seller.slug, *args])


@login_required
def home(request):
    """One shop: straight to its products. Several: pick one. None: say so (403)."""
    sellers = list(sellers_for_user(request.user))
    if not sellers:
        return no_shop_response(request)
    if len(sellers) == 1:
        return redirect(_url("products", sellers[0]))
    return render(request, "shop/seller/choose.html", {"sellers": sellers})


@seller_view
def product_list(request, seller):
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    products = seller_products(seller=seller).annotate(variant_count=Count("variants"))
    if query:
        products = products.filter(
            Q(title__icontains=query)
            | Q(handle__icontains=query)
            | Q(tags__icontains=query)
            | Q(
                pk__in=Variant.objects.filter(product__seller=seller, sku__icontains=query).values(
                    "product_id"
                )
            )
        )
    counts = dict(
        Product.objects.filter(seller=seller)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    if status in ProductStatus.values:
        products = products.filter(status=status)
    else:
        status = ""
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    for product in page.object_list:
        product.commission_label = percent_label(product.commission_rate_bp)
    tabs = [("", "All", sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in ProductStatus.choices
    ]
    return render(
        request,
        "shop/seller/product_list.html",
        {
            "seller": seller,
            "page": page,
            "query": query,
            "status": status,
            "tabs": tabs,
            "currency": seller.market.currency,
        },
    )


def _option_names(request, product_form: ProductForm, product: Product | None) -> list[str]:
    """The option names the variant rows are validated against: what was just typed if it
    is valid, else what the product has."""
    if request.method == "POST" and product_form.is_valid():
        return product_form.cleaned_data["option_names"]
    return list(product.option_names) if product is not None else []


def _product_form_page(request, seller, product: Product | None):
    currency = seller.market.currency
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, product=product)
    names = _option_names(request, form, product)
    formset = variant_formset(
        product=product, seller=seller, data=data, option_names=names, currency=currency
    )
    if product is not None and not names and product.variants.exists():
        formset.extra = 0  # one variant without options: nothing to add until options exist
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                saved = _save_product(seller, product, form, formset)
        except InvalidCommissionRate as exc:
            form.add_error("commission_percent", exc.message)
        except ProtectedError:
            formset._non_form_errors = formset.error_class(
                ["A variant that has been ordered cannot be removed; set its stock to 0."]
            )
        else:
            verb = "saved" if product is not None else "created"
            messages.success(request, f"“{saved.title}” {verb}.")
            return redirect(_url("product-edit", seller, saved.pk))
    return render(
        request,
        "shop/seller/product_form.html",
        {
            "seller": seller,
            "product": product,
            "form": form,
            "formset": formset,
            "currency": currency,
            "option_names": names,
        },
    )


def _save_product(seller, product: Product | None, form: ProductForm, formset) -> Product:
    fields = form.product_fields()
    if product is None:
        product = product_create(seller=seller, **fields)
    else:
        product = product_update(product=product, **fields)
    keep = {f.cleaned_data.get("variant_id") for f in formset.live_forms()}
    for variant_id, variant in formset.variants.items():
        if variant_id not in keep:
            variant_delete(variant=variant)
    # SKUs may move between variants in one save (a swap); free them first so the
    # one-SKU-per-product constraint never sees two rows with one SKU mid-way.
    moving = [
        f.cleaned_data["variant_id"]
        for f in formset.live_forms()
        if f.cleaned_data.get("variant_id")
        and formset.variants[f.cleaned_data["variant_id"]].sku != f.cleaned_data["sku"]
    ]
    Variant.objects.filter(pk__in=moving).update(sku="")
    for position, form in enumerate(formset.live_forms(), start=1):
        variant_id = form.cleaned_data.get("variant_id")
        spec = {**form.variant_fields(), "position": position}
        if variant_id:
            variant_update(variant=formset.variants[variant_id], **spec)
        else:
            variant_create(product=product, **spec)
    return product_refresh_summary(product=product)


@seller_view
def product_new(request, seller):
    return _product_form_page(request, seller, None)


@seller_view
def product_edit(request, seller, pk: int):
    return _product_form_page(request, seller, product_for_seller(seller, pk))


@seller_view
def product_stock(request, seller, pk: int):
    product = product_for_seller(seller, pk)
    variants = list(product.variants.all())
    initial = [{"variant_id": v.id, "stock": v.stock} for v in variants]
    formset = StockFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="stock"
    )
    if request.method == "POST" and formset.is_valid():
        mine = {v.id for v in variants}
        stock = {
            f.cleaned_data["variant_id"]: f.cleaned_data["stock"]
            for f in formset
            if f.cleaned_data.get("variant_id") in mine
        }
        product_set_stock(product=product, stock_by_variant_id=stock)
        messages.success(request, f"Stock of “{product.title}” saved.")
        if request.POST.get("next") == "list":
            return redirect(_url("products", seller))
        return redirect(_url("product-stock", seller, product.pk))
    rows = list(zip(variants, formset.forms, strict=False))
    return render(
        request,
        "shop/seller/product_stock.html",
        {
            "seller": seller,
            "product": product,
            "formset": formset,
            "rows": rows,
            "currency": seller.market.currency,
        },
    )


@seller_view
def product_images(request, seller, pk: int):
    product = product_for_seller(seller, pk)
    form = ImageUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["image"]
        upload.seek(0)
        try:
            product_image_add(
                product=product,
                data=upload.read(),
                filename=upload.name,
                alt=form.cleaned_data["alt"],
            )
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            form.add_error("image", "This image could not be processed. Try another file.")
        else:
            messages.success(request, "Image added.")
            return redirect(_url("product-images", seller, product.pk))
    return render(
        request,
        "shop/seller/product_images.html",
        {
            "seller": seller,
            "product": product,
            "form": form,
            "images": list(product.images.order_by("position", "id")),
        },
    )


@require_POST
@seller_view
def image_move(request, seller, pk: int, image_pk: int):
    product = product_for_seller(seller, pk)
    image = image_for_product(product, image_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    product_image_move(image=image, offset=offset)
    return redirect(_url("product-images", seller, product.pk))


@require_POST
@seller_view
def image_delete(request, seller, pk: int, image_pk: int):
    product = product_for_seller(seller, pk)
    image = image_for_product(product, image_pk)
    product_image_delete(image=image)
    messages.success(request, "Image removed.")
    return redirect(_url("product-images", seller, product.pk))


@seller_view
def shopify_import(request, seller):
    result = None
    if request.method == "POST":
        form = ShopifyImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = shopify_csv_import(
                seller=seller,
                data=form.cleaned_data["file"].read(),
                fetch_images=form.cleaned_data["fetch_images"],
                fetch_budget_seconds=IMPORT_FETCH_BUDGET_SECONDS,
            )
            if result.ok:
                request.session[IMPORT_SESSION_KEY] = {
                    "summary": result.summary(),
                    "products_created": result.products_created,
                    "products_updated": result.products_updated,
                    "variants_created": result.variants_created,
                    "variants_updated": result.variants_updated,
                    "images_added": result.images_added,
                    "images_kept_as_url": result.images_kept_as_url,
                    "file": form.cleaned_data["file"].name,
                }
                return redirect(_url("import", seller))
    else:
        form = ShopifyImportForm()
    return render(
        request,
        "shop/seller/import.html",
        {
            "seller": seller,
            "form": form,
            "result": result,
            "done": request.session.pop(IMPORT_SESSION_KEY, None)
            if request.method == "GET"
            else None,
        },
    )
