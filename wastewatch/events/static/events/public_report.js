// The residents' report page: position from the phone (or an estate chosen street by street), photos shrunk on the
// phone before they travel over a weak mobile connection, and a refusal shown beside its field without leaving the
// page, so neither what was typed nor the photos are lost.
(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const where = form.querySelector("[data-where]");
  const formError = document.querySelector("[data-form-error]");
  const photosInput = form.querySelector("input[name=photos]");
  const previews = form.querySelector(".previews");
  const LONGEST_SIDE = 1600;

  function locate() {
    if (!navigator.geolocation) { where.textContent = "此浏览器无法定位，请选择小区"; return; }
    where.textContent = "正在定位……";
    navigator.geolocation.getCurrentPosition(p => {
      form.lon.value = p.coords.longitude.toFixed(6);
      form.lat.value = p.coords.latitude.toFixed(6);
      where.textContent = `已定位：${form.lon.value}, ${form.lat.value}（精度约 ${Math.round(p.coords.accuracy)} 米）`;
    }, () => { where.textContent = "未能定位，请选择小区"; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  form.querySelector("[data-locate]").addEventListener("click", locate);
  if (!form.lon.value) locate();

  // County → street → estate, each list fetched when the one above is chosen.
  const selects = { county: form.county, street: form.street, estate: form.estate };
  async function fill(select, parent, placeholder) {
    select.innerHTML = `<option value="">${placeholder}</option>`;
    select.disabled = !parent;
    if (!parent) return;
    const response = await fetch(`${form.dataset.places}?parent=${encodeURIComponent(parent)}`);
    const { items } = await response.json();
    for (const item of items) select.add(new Option(item.name, item.code));
  }
  selects.county.addEventListener("change", async () => {
    await fill(selects.street, selects.county.value, "镇（街道）");
    await fill(selects.estate, "", "小区");
  });
  selects.street.addEventListener("change", () => fill(selects.estate, selects.street.value, "小区"));
  if (selects.county.value) selects.county.dispatchEvent(new Event("change"));

  // Photos: shrunk to at most LONGEST_SIDE px as JPEG; an image the browser cannot draw goes as it is (the server judges).
  let photos = [];
  async function shrink(file) {
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise(resolve => canvas.toBlob(resolve, "image/jpeg", 0.85));
      return blob && (scale < 1 || blob.size < file.size) ? blob : file;
    } catch (e) {
      return file;
    }
  }
  photosInput.addEventListener("change", async () => {
    photos = await Promise.all([...photosInput.files].map(shrink));
    previews.innerHTML = "";
    for (const photo of photos) {
      const img = document.createElement("img");
      img.src = URL.createObjectURL(photo);
      img.alt = "照片预览";
      previews.appendChild(img);
    }
  });

  function showErrors(body) {
    form.querySelectorAll("[data-error-for]").forEach(el => { el.textContent = ""; });
    formError.textContent = body.message || "提交失败，请稍后再试";
    formError.classList.remove("d-none");
    for (const d of body.details || []) {
      const field = d.field === "lat" || d.field === "coordSystem" ? "lon" : d.field;
      const target = form.querySelector(`[data-error-for="${field}"]`);
      if (target) target.textContent = [target.textContent, d.reason].filter(Boolean).join("；");
    }
    formError.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  form.addEventListener("submit", async event => {
    event.preventDefault();
    const button = form.querySelector("[data-submit]");
    button.disabled = true;
    button.textContent = "正在提交……";
    const data = new FormData();
    for (const name of ["description", "phone", "lon", "lat", "estate"]) data.append(name, form[name].value);
    const kind = form.querySelector("input[name=kind]:checked");
    data.append("kind", kind ? kind.value : "");
    photos.forEach((photo, i) => data.append("photos", photo, `photo-${i + 1}.jpg`));
    try {
      const response = await fetch(form.dataset.api, { method: "POST", body: data });
      const body = await response.json();
      if (response.status === 201) { window.location.href = body.status_url; return; }
      showErrors(body);
    } catch (e) {
      showErrors({ message: "网络不稳定，提交未成功，请稍后重试（已填写的内容仍在）" });
    }
    button.disabled = false;
    button.textContent = "提交举报";
  });
})();
