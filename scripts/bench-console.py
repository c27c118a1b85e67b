#!/usr/bin/env python3
"""Figures for the operator console, measured in headless Chromium (Selenium):

    bench-console.py URL TOKEN_FILE render [--loads 3]
        time from navigation to the map drawn (the page's own mark), per load and the median
    bench-console.py URL TOKEN_FILE events --seconds 3600 --rate 10
        the page's JS heap and DOM size while link.status events arrive at --rate a second
        (links set down and up through the API), sampled every minute."""

import argparse
import json
import statistics
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,950",
                     "--enable-precise-memory-info", "--js-flags=--expose-gc"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(driver, base, token):
    driver.get(base + "/")
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "signin").is_displayed() or d.find_element(By.ID, "main").is_displayed())
    if driver.find_element(By.ID, "signin").is_displayed():
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    WebDriverWait(driver, 120, poll_frequency=0.02).until(lambda d: d.execute_script("return document.body.dataset.rendered"))


def render(driver, base, token, loads):
    sign_in(driver, base, token)
    times = []
    for _ in range(loads):
        driver.get(base + "/")
        WebDriverWait(driver, 120, poll_frequency=0.02).until(lambda d: d.execute_script("return document.body.dataset.rendered"))
        times.append(float(driver.execute_script("return document.body.dataset.rendered")))
    nodes = driver.execute_script("return document.querySelectorAll('#map [data-node]').length")
    links = driver.execute_script("return document.querySelectorAll('#map [data-link]').length")
    # Panning after the draw: how long one frame takes to apply a new view to every shape.
    frame = driver.execute_script("""
        const m = document.getElementById('map'); const t0 = performance.now();
        for (let i = 0; i < 20; i++) m.dispatchEvent(new KeyboardEvent('keydown', {key: i % 2 ? 'ArrowLeft' : 'ArrowRight'}));
        m.getBoundingClientRect(); return (performance.now() - t0) / 20;""")
    print(json.dumps({"nodes": nodes, "links": links, "first_render_ms": [round(t) for t in times],
                      "median_ms": round(statistics.median(times)), "pan_step_ms": round(frame, 1)}))


def heap(driver):
    driver.execute_script("window.gc && window.gc()")
    return driver.execute_script("return {heap: performance.memory.usedJSHeapSize, dom: document.getElementsByTagName('*').length,"
                                 " events: document.querySelectorAll('#events li').length, last: document.body.dataset.lastEvent}")


def events(driver, base, token, seconds, rate):
    sign_in(driver, base, token)
    request = urllib.request.Request(base + "/api/v1/links?limit=1", headers={"Authorization": f"Bearer {token}"})
    link = json.load(urllib.request.urlopen(request))["items"][0]["id"]
    samples = [dict(t=0, **heap(driver))]
    print(json.dumps(samples[-1]), flush=True)
    start = time.monotonic()
    sent = 0
    next_sample = 60
    while time.monotonic() - start < seconds:
        status = "down" if sent % 2 == 0 else "up"
        patch = urllib.request.Request(base + f"/api/v1/links/{link}", method="PATCH", data=json.dumps({"status": status}).encode(),
                                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        urllib.request.urlopen(patch).read()
        sent += 1
        delay = start + sent / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if time.monotonic() - start >= next_sample:
            samples.append(dict(t=round(time.monotonic() - start), **heap(driver)))
            print(json.dumps(samples[-1]), flush=True)
            next_sample += 60
    time.sleep(2)
    samples.append(dict(t=round(time.monotonic() - start), **heap(driver)))
    print(json.dumps({"events_sent": sent, "first": samples[0], "last": samples[-1],
                      "heap_peak": max(s["heap"] for s in samples)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token_file")
    parser.add_argument("what", choices=["render", "events"])
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3600)
    parser.add_argument("--rate", type=float, default=10)
    args = parser.parse_args()
    token = open(args.token_file).read().strip()
    driver = browser()
    try:
        if args.what == "render":
            render(driver, args.base.rstrip("/"), token, args.loads)
        else:
            events(driver, args.base.rstrip("/"), token, args.seconds, args.rate)
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
