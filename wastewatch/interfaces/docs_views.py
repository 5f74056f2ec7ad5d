"""The Chinese integration guide, generated from the catalogue: public, so a vendor needs no account to read it."""
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import catalogue, health
from .catalogue import docs


def index(request):
    return render(request, "interfaces/docs/index.html", {**docs.index_context(), "health_doc": health.__doc__})


def interface(request, code):
    try:
        spec = catalogue.get(code)
    except KeyError:
        raise Http404(f"没有编码为“{code}”的接口") from None
    return render(request, "interfaces/docs/interface.html", docs.interface_context(spec))


def guide(request):
    response = HttpResponse(docs.render_guide(), content_type="text/html; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = "attachment; filename*=UTF-8''wastewatch-interfaces-guide.html"
    return response
