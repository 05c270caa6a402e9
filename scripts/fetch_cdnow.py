#!/usr/bin/env python3
"""Fetches the CDNOW sample (Fader, Hardie & Lee 2005: 2,357 customers, 39 weeks of calibration)
for the BG/NBD fit test, from the wheel of the MIT-licensed PyPI package `lifetimes` 0.11.3, into
target/testdata/ (git-ignored; never committed). Through pip (its configured index), else PyPI's JSON API;
the wheel is checked against its published SHA-256. Idempotent."""
import hashlib, io, json, os, sys, urllib.request, zipfile

WHEEL_SHA256 = "261e3dc89977c2b60767ca6728aaa29d429de0c814635070a749c36555895da8"
FILES = {
    "lifetimes/datasets/cdnow_customers_summary.csv":
        "09d92ca80daaabe8be0f997d4c539f9c9606106baa5b199081fe01cbce5fa9f6",
}
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "testdata")
os.makedirs(root, exist_ok=True)

def have(name, sha):
    p = os.path.join(root, os.path.basename(name))
    return os.path.exists(p) and hashlib.sha256(open(p, "rb").read()).hexdigest() == sha

if all(have(n, s) for n, s in FILES.items()):
    print("fetch_cdnow: test data present")
    sys.exit(0)
def by_pip():
    import glob, subprocess, tempfile
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary", ":all:", "-d", d, "lifetimes==0.11.3"], check=True)
        return open(glob.glob(os.path.join(d, "*.whl"))[0], "rb").read()

def by_json_api():
    meta = json.load(urllib.request.urlopen("https://pypi.org/pypi/lifetimes/0.11.3/json", timeout=60))
    url = next(u["url"] for u in meta["urls"] if u["packagetype"] == "bdist_wheel")
    return urllib.request.urlopen(url, timeout=120).read()

try:
    data = by_pip()
except Exception as e:  # no pip on the machine: PyPI's JSON API
    print("fetch_cdnow: pip download failed (%s); trying PyPI's JSON API" % e)
    data = by_json_api()
if hashlib.sha256(data).hexdigest() != WHEEL_SHA256:
    sys.exit("fetch_cdnow: the wheel's SHA-256 does not match")
with zipfile.ZipFile(io.BytesIO(data)) as z:
    for name, sha in FILES.items():
        body = z.read(name)
        if hashlib.sha256(body).hexdigest() != sha:
            sys.exit(f"fetch_cdnow: {name}: SHA-256 does not match")
        with open(os.path.join(root, os.path.basename(name)), "wb") as f:
            f.write(body)
print("fetch_cdnow: wrote", ", ".join(os.path.basename(n) for n in FILES), "to target/testdata/")
