"""Faces in evidence images: found with OpenCV's Haar cascade (shipped inside opencv-python-headless) once per image,
after it is stored (services.evidence.evidence_faces_detect), blurred when it is shown to someone without
events.view_faces. The stored original is never touched."""
from functools import lru_cache

import cv2
import numpy as np

MARGIN = 0.2  # blur a little beyond the detected box: hair and chin identify too


@lru_cache(maxsize=1)
def _cascade():
    return cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")


def decode(content: bytes):
    return cv2.imdecode(np.frombuffer(content, dtype=np.uint8), cv2.IMREAD_COLOR)


def decodable(content: bytes) -> bool:
    """Whether the bytes are an image OpenCV can read: decoded at an eighth of its size, which reads the whole
    stream at a fraction of a full decode's cost."""
    return cv2.imdecode(np.frombuffer(content, dtype=np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_8) is not None


WINDOW = 24  # the cascade's own window: the smallest face it can find, in pixels of the image it scans
SMALLEST_FACE = 1 / 40  # of the image's short side: smaller faces identify nobody, and are not looked for


def detect(content: bytes) -> list[list[int]]:
    """Face boxes [x, y, w, h] in the image's own pixels; [] for an image without faces or bytes that are no image.

    A large frame is scanned on a copy shrunk until the smallest face looked for is exactly the cascade's window:
    the same faces are found as on the full frame (whose scan starts at that size anyway), at a fraction of the
    cost; a frame whose short side is under 1,000 px is scanned as it is."""
    image = decode(content)
    if image is None:
        return []
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    smallest = max(WINDOW, int(min(gray.shape[:2]) * SMALLEST_FACE))
    scale = WINDOW / smallest
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    boxes = _cascade().detectMultiScale(cv2.equalizeHist(gray), scaleFactor=1.1, minNeighbors=5, minSize=(WINDOW, WINDOW))
    return [[int(round(v / scale)) for v in box] for box in boxes]


def blur(content: bytes, boxes: list[list[int]]) -> bytes:
    """A JPEG of the image with each box (and a margin) blurred beyond recognition."""
    image = decode(content)
    if image is None:
        return content
    height, width = image.shape[:2]
    for x, y, w, h in boxes:
        dx, dy = int(w * MARGIN), int(h * MARGIN)
        x0, y0, x1, y1 = max(0, x - dx), max(0, y - dy), min(width, x + w + dx), min(height, y + h + dy)
        region = image[y0:y1, x0:x1]
        # Pixelate to a 4×4 mosaic, then smooth it: a Gaussian alone, or a finer mosaic, still leaves eyes and mouth
        # that a detector (and a person) finds again.
        small = cv2.resize(region, (4, 4), interpolation=cv2.INTER_AREA)
        kernel = max(3, (min(x1 - x0, y1 - y0) // 2) | 1)
        image[y0:y1, x0:x1] = cv2.GaussianBlur(cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR), (kernel, kernel), 0)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return encoded.tobytes() if ok else content


def blur_whole(content: bytes) -> bytes:
    """The whole image blurred: what is shown when its faces could not be looked for (fail closed)."""
    image = decode(content)
    if image is None:
        return b""
    height, width = image.shape[:2]
    small = cv2.resize(image, (max(1, width // 32), max(1, height // 32)), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return encoded.tobytes() if ok else b""
