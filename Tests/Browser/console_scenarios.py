#!/usr/bin/env python3
"""Drives the operator console in headless Chromium (Debian's chromium and chromium-driver, through
Selenium) as an operator would; exits non-zero naming each failure. Two scenarios:

    console_scenarios.py tour BASE_URL --admin-token-file F --viewer-token-file F --operator-token-file F
        --source NODE --destination NODE [--screenshots DIR] [--topology FILE] [--huge-topology FILE]
    console_scenarios.py restart --qonduit BINARY --db FILE --listen HOST:PORT --topology FILE

`tour` runs against a controller with a network imported and a reachable agent per node (so that a
key path can be provisioned). `restart` starts `qonduit serve` itself, stops it while the page is
open, starts it again and checks the page resumes without losing an event. The Swift tests in
ConsoleBrowserTests run both."""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}", flush=True)
    else:
        print(f"ok: {message}", flush=True)
    return condition


def api(base, token, method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, json.loads(text) if text.startswith("{") else text


def browser(width=1400, height=950):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking"]:
        options.add_argument(argument)
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def wait(driver, predicate, seconds=10, message="condition"):
    try:
        WebDriverWait(driver, seconds, poll_frequency=0.05).until(lambda d: predicate(d))
        return True
    except Exception:
        return False


def sign_in(driver, base, token):
    driver.get(base + "/")
    wait(driver, lambda d: d.find_element(By.ID, "signin").is_displayed())
    field = driver.find_element(By.ID, "token")
    field.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    return wait(driver, lambda d: d.find_element(By.ID, "main").is_displayed() and d.find_elements(By.CSS_SELECTOR, "#map [data-node]"), 15)


def console_errors(driver, caused=()):
    """Every error in the browser's console since the last call (reading the log empties it), but
    those the scenario caused on purpose: `caused` lists them as (address fragment, HTTP status),
    and each must be there, once."""
    entries = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    left = list(entries)
    for fragment, status in caused:
        match = next((e for e in left if fragment in e["message"] and f"status of {status}" in e["message"]), None)
        check(match is not None, f"the console shows the {status} the scenario caused at {fragment}: {entries}")
        if match is not None:
            left.remove(match)
    return left


def shot(driver, directory, name):
    if directory:
        driver.execute_script("window.scrollTo(0, 0)")
        os.makedirs(directory, exist_ok=True)
        driver.save_screenshot(os.path.join(directory, name + ".png"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["tour", "restart"])
    parser.add_argument("base", nargs="?")
    parser.add_argument("--admin-token-file")
    parser.add_argument("--viewer-token-file")
    parser.add_argument("--operator-token-file")
    parser.add_argument("--source")
    parser.add_argument("--destination")
    parser.add_argument("--screenshots")
    parser.add_argument("--topology")
    parser.add_argument("--huge-topology")
    parser.add_argument("--qonduit")
    parser.add_argument("--db")
    parser.add_argument("--listen")
    args = parser.parse_args()
    if args.scenario == "tour":
        tour(args)
    else:
        restart(args)
    if failures:
        print(f"{len(failures)} failure(s)", flush=True)
        sys.exit(1)


CONTRAST = """
    // WCAG 2 contrast of each visible element's own text against the first opaque background behind it.
    const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (el) => {
      for (; el; el = el.parentElement) {
        const colour = rgb(getComputedStyle(el).backgroundColor);
        if (colour.length === 3 || (colour.length === 4 && colour[3] > 0.9)) return colour.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const failures = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !el.getClientRects().length || el.closest('svg')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      const [a, b] = [luminance(rgb(style.color).slice(0, 3)), luminance(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (ratio < needed) failures.push(`${el.tagName.toLowerCase()}#${el.id} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return failures;"""


def accessibility(driver, link):
    """Labels, keyboard and contrast, as the page stands with an operator signed in."""
    unlabelled = driver.execute_script("""
        return [...document.querySelectorAll('input, select, textarea')].filter((e) => e.getClientRects().length)
          .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
          .map((e) => e.id);""")
    check(unlabelled == [], f"every visible form field has a label: {unlabelled}")
    failures = driver.execute_script(CONTRAST)
    check(failures == [], f"all text has WCAG AA contrast (4.5:1, 3:1 when large): {failures}")
    # The keyboard alone: Find a link (Tab commits it), then pan the map with the arrows.
    find = driver.find_element(By.ID, "find")
    find.clear()
    find.send_keys(link, Keys.TAB)
    check(wait(driver, lambda d: f"Link {link}" in d.find_element(By.ID, "details").text, 5), "a link is selected from the keyboard (Find, Tab)")
    svg = driver.find_element(By.ID, "map")
    before = driver.execute_script("return document.querySelector('#map > g').getAttribute('transform')")
    svg.send_keys(Keys.ARROW_LEFT)
    check(wait(driver, lambda d: d.execute_script("return document.querySelector('#map > g').getAttribute('transform')") != before, 2),
          "the focused map pans with the arrow keys")
    row = driver.find_element(By.CSS_SELECTOR, "#paths tbody tr")
    row.send_keys(Keys.ENTER)
    check(wait(driver, lambda d: "Key path" in d.find_element(By.ID, "details").text, 5), "a key path row opens with Enter")


def labels(driver, node_count):
    """Node names never cover each other or another node; zooming in names more of them."""
    measure = """
        const boxes = (selector) => [...document.querySelectorAll(selector)].map((e) => [e, e.getBoundingClientRect()]);
        const shown = boxes('#map text.label').filter(([e, b]) => getComputedStyle(e).display !== 'none' && b.width > 0);
        const marks = boxes('#map [data-node]');
        const cross = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
        const clashes = [];
        shown.forEach(([e, a], i) => {
          shown.slice(i + 1).forEach(([f, b]) => { if (cross(a, b)) clashes.push(e.textContent + ' / ' + f.textContent); });
          marks.forEach(([m, b]) => {
            if (m.dataset.node !== e.dataset.label && cross(a, b)) clashes.push(e.textContent + ' over node ' + m.dataset.node);
          });
        });
        return [shown.length, clashes];"""
    fitted, clashes = driver.execute_script(measure)
    check(clashes == [], f"no name covers another name or node on the fitted map: {clashes}")
    check(fitted >= node_count // 2, f"most nodes are named on the fitted map ({fitted} of {node_count})")
    for _ in range(4):
        driver.find_element(By.ID, "map").send_keys("+")
    zoomed, clashes = driver.execute_script(measure)
    check(clashes == [], f"no name covers another name or node once zoomed in: {clashes}")
    check(zoomed > fitted or fitted == node_count, f"zooming in names more nodes ({fitted}, then {zoomed} of {node_count})")
    driver.find_element(By.ID, "map").send_keys("0")


def restart(args):
    """The page follows the event stream across a controller restart and loses nothing: it resumes
    after the last event id it saw, so a change made before it reconnects still reaches it."""
    host, port = args.listen.rsplit(":", 1)
    if port == "0":  # the same port both times: the page reconnects to where it was
        import socket
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = str(probe.getsockname()[1])
    args.listen = f"{host}:{port}"
    base = f"http://{args.listen}"

    def serve():
        process = subprocess.Popen([args.qonduit, "serve", "--db", args.db, "--listen", args.listen, "--topology", args.topology],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in process.stdout:
            if "listening on" in line:
                return process
        raise RuntimeError("qonduit serve did not start")

    controller = serve()
    try:
        admin = open(os.path.splitext(args.db)[0] + "-admin.token").read().strip()
        _, links = api(base, admin, "GET", "/api/v1/links?limit=2")
        first, second = links["items"][0]["id"], links["items"][1]["id"]
        driver = browser()
        try:
            check(sign_in(driver, base, admin), "an admin signs in")
            api(base, admin, "PATCH", f"/api/v1/links/{first}", {"status": "down"})
            check(wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#events li[data-kind="link.status"]'), 5), "the page follows events")
            controller.terminate()
            controller.wait(timeout=30)
            check(wait(driver, lambda d: "Reconnecting" in d.find_element(By.ID, "live").text, 5), "the page says it lost the stream")
            time.sleep(2)  # the page backs off between attempts: the change below is made before it is back
            controller = serve()
            api(base, admin, "PATCH", f"/api/v1/links/{second}", {"status": "down"})
            selector = f'#map [data-link="{second}"] line.link'
            check(wait(driver, lambda d: "down" in d.find_element(By.CSS_SELECTOR, selector).get_attribute("class"), 15),
                  "a change made while the page was reconnecting reaches it (it resumed after its last event)")
            check(wait(driver, lambda d: d.find_element(By.ID, "live").text == "Live", 5), "and it says it is live again")
            logged = [e.text for e in driver.find_elements(By.CSS_SELECTOR, '#events li[data-kind="link.status"]')]
            check(not any(f"{first}: down → up" in text for text in logged)
                  and "down" in driver.find_element(By.CSS_SELECTOR, f'#map [data-link="{first}"] line.link').get_attribute("class"),
                  "restarting with --topology keeps the link the operator set down down")
            check(sum(f"{second}: up → down" in text for text in logged) == 1 and sum(f"{first}: up → down" in text for text in logged) == 1,
                  f"each event once: {logged}")
            errors = [e for e in console_errors(driver) if "ERR_CONNECTION_REFUSED" not in e["message"]]
            check(errors == [], f"no errors in the browser console but the refused reconnections: {errors}")
        finally:
            driver.quit()
    finally:
        controller.terminate()
        controller.wait(timeout=30)


def tour(args):
    base = args.base.rstrip("/")
    admin, viewer, operator = (open(f).read().strip() for f in (args.admin_token_file, args.viewer_token_file, args.operator_token_file))
    _, topology = api(base, admin, "GET", "/api/v1/topology")
    nodes, links = topology["nodes"], topology["links"]

    driver = browser()
    try:
        # Viewer: the whole network drawn, nothing to change offered, and a change refused anyway.
        check(sign_in(driver, base, viewer), "a viewer signs in with a token")
        drawn_nodes = {e.get_attribute("data-node") for e in driver.find_elements(By.CSS_SELECTOR, "#map [data-node]")}
        drawn_links = {e.get_attribute("data-link") for e in driver.find_elements(By.CSS_SELECTOR, "#map [data-link]")}
        check(drawn_nodes == {n["id"] for n in nodes}, f"the map shows every node ({len(drawn_nodes)} of {len(nodes)})")
        check(drawn_links == {l["id"] for l in links}, f"the map shows every link ({len(drawn_links)} of {len(links)})")
        labels(driver, len(nodes))
        check(not driver.find_element(By.ID, "provision").is_displayed(), "a viewer is not offered the provision form")
        check(not driver.find_element(By.ID, "upload").is_displayed(), "a viewer is not offered the topology upload")
        check(driver.execute_script("return document.cookie") == "", "the session cookie is HttpOnly: scripts cannot read it")
        check(driver.execute_script("return localStorage.length + sessionStorage.length") == 0, "nothing is kept in browser storage")
        status = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/api/v1/links/' + arguments[0], {method: 'PATCH', headers: {'X-Qonduit-CSRF': '1', 'Content-Type': 'application/json'},
              body: JSON.stringify({status: 'down'})}).then(r => done(r.status));""", links[0]["id"])
        check(status == 403, f"a viewer's change is refused by the API (status {status})")
        # Without the console's header, a change with the cookie alone is refused (what a cross-site form sends).
        status = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/api/v1/key-paths', {method: 'POST', headers: {'Content-Type': 'text/plain'}, body: '{}'}).then(r => done(r.status));""")
        check(status == 403, f"a cookie-only POST without the console's header is refused (status {status})")
        driver.find_element(By.ID, "signout").click()
        check(wait(driver, lambda d: d.find_element(By.ID, "signin").is_displayed()), "sign-out shows the sign-in page")
        status = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/api/v1/nodes').then(r => done(r.status));""")
        check(status == 401, f"after sign-out the session no longer reads the API (status {status})")
        errors = console_errors(driver, caused=[(f"/api/v1/links/{links[0]['id']}", 403), ("/api/v1/key-paths", 403), ("/api/v1/nodes", 401)])
        check(errors == [], f"no errors in the browser console (viewer): {errors}")

        # Operator: live updates, link down/up, provisioning with a dry run first.
        check(sign_in(driver, base, operator), "an operator signs in")
        check(driver.find_element(By.ID, "provision").is_displayed(), "an operator is offered the provision form")
        link = next(l for l in links if l["status"] == "up")["id"]
        selector = f'#map [data-link="{link}"] line.link'
        api(base, admin, "PATCH", f"/api/v1/links/{link}", {"status": "down"})
        started = time.monotonic()
        dashed = wait(driver, lambda d: "down" in d.find_element(By.CSS_SELECTOR, selector).get_attribute("class"), 2)
        check(dashed, f"a link set down through the API turns dashed without reload ({time.monotonic() - started:.2f} s)")
        check(driver.find_element(By.CSS_SELECTOR, selector).value_of_css_property("stroke-dasharray") not in ("none", ""),
              "a link that is down is drawn dashed")
        api(base, admin, "PATCH", f"/api/v1/links/{link}", {"status": "up"})
        check(wait(driver, lambda d: "down" not in d.find_element(By.CSS_SELECTOR, selector).get_attribute("class"), 2),
              "and solid again when set up")
        check(wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, '#events li[data-kind="link.status"]')) >= 2, 2),
              "the event log shows the link's changes")

        driver.find_element(By.ID, "p-source").send_keys(args.source)
        driver.find_element(By.ID, "p-destination").send_keys(args.destination)
        rate = driver.find_element(By.ID, "p-rate")
        rate.clear()
        rate.send_keys("500")
        # A protected path: its preview must be the provisioner's plan (node-disjoint), not another search's.
        Select(driver.find_element(By.ID, "p-protection")).select_by_value("disjoint_backup")
        driver.find_element(By.ID, "p-preview").click()
        marked = "return [...document.querySelectorAll('#map line.link.highlight')].map((l) => l.parentNode.dataset.link)"
        check(wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#map line.link.highlight"), 5),
              "the dry run draws the computed routes before anything is reserved")
        previewed = set(driver.execute_script(marked))
        check("backup route" in driver.find_element(By.ID, "p-result").text, f"the preview names the backup: {driver.find_element(By.ID, 'p-result').text!r}")
        _, before = api(base, admin, "GET", "/api/v1/key-paths")
        check(before["total"] == 0, "the dry run reserved nothing")
        shot(driver, args.screenshots, "console-dry-run")
        driver.find_element(By.ID, "p-confirm").click()
        check(wait(driver, lambda d: "is active" in d.find_element(By.ID, "p-result").text, 15),
              f"the key path is provisioned and active: {driver.find_element(By.ID, 'p-result').text!r}")
        check(wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#paths tbody tr td.state-active"), 5), "the key paths table lists it active")
        _, provisioned = api(base, admin, "GET", "/api/v1/key-paths")
        route_links = {link for route in provisioned["items"][0]["routes"] for link in route["links"]}
        check(route_links == previewed, f"what was reserved is what was previewed: {sorted(route_links)} vs {sorted(previewed)}")
        check(wait(driver, lambda d: set(d.execute_script(marked)) == route_links, 5),
              f"its routes are drawn on the map: marked {sorted(driver.execute_script(marked))}, routes {sorted(route_links)}")
        route_link = sorted(route_links)[0]
        title = f'#map [data-link="{route_link}"] title'
        check(wait(driver, lambda d: d.execute_script(f"return document.querySelector('{title}').textContent").find(", 0 of ") < 0, 5),
              f"the links of its route show their new reservation without reload: "
              f"{driver.execute_script(f'return document.querySelector(`{title}`).textContent')!r}")
        # Restyling a link for its new reservation keeps the route's mark.
        check(set(driver.execute_script(marked)) == route_links,
              f"its routes stay marked once their links are restyled: {sorted(driver.execute_script(marked))}")
        shot(driver, args.screenshots, "console")

        accessibility(driver, link)

        # Names are data: markup in a node's name is shown as text, never run.
        node = nodes[0]["id"]
        hostile = '<img src=x onerror="window.__owned=1"><script>window.__owned=1</script>'
        api(base, admin, "PATCH", f"/api/v1/nodes/{node}", {"name": hostile})
        # A node without coordinates is still drawn where it is seen.
        status, created = api(base, admin, "POST", "/api/v1/nodes", {"id": "nowhere", "name": "Nowhere", "trusted": True})
        check(status == 201, f"a node without coordinates is created: {created}")
        check(wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#map [data-node="nowhere"]'), 5),
              "a node created through the API appears without reload")
        check(wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#events li[data-kind="node.created"]'), 5), "and its event is logged")
        driver.find_element(By.ID, "find").clear()
        driver.find_element(By.ID, "find").send_keys(node + "\n")
        driver.execute_script("document.getElementById('find').dispatchEvent(new Event('change'))")
        inside = driver.execute_script("""
            const map = document.getElementById('map').getBoundingClientRect();
            const node = document.querySelector('#map [data-node="nowhere"]').getBoundingClientRect();
            return node.width > 0 && node.left >= map.left && node.right <= map.right && node.top >= map.top && node.bottom <= map.bottom;""")
        check(inside, "a node without coordinates is placed inside the map's view")
        check(wait(driver, lambda d: hostile in d.find_element(By.ID, "details").text, 5), "markup in a node name is shown as text")
        check(driver.execute_script("return window.__owned === undefined"), "markup in a node name does not run")
        check(not driver.find_elements(By.CSS_SELECTOR, "#details img, #map img"), "markup in a node name adds no element")

        # A topology upload over the limit, or malformed, shows the API's problem with its line.
        caused = []
        if args.topology:
            caused.append(("/api/v1/topology/import", 422))
            upload = driver.find_element(By.ID, "u-file")
            upload.send_keys(os.path.abspath(args.topology))
            driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
            check(wait(driver, lambda d: "line" in d.find_element(By.ID, "u-result").text, 10),
                  f"a bad topology upload shows the problems with their lines: {driver.find_element(By.ID, 'u-result').text!r}")
        if args.huge_topology:
            caused.append(("/api/v1/topology/import", 413))
            upload = driver.find_element(By.ID, "u-file")
            upload.clear()
            upload.send_keys(os.path.abspath(args.huge_topology))
            driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
            check(wait(driver, lambda d: "larger than the controller accepts" in d.find_element(By.ID, "u-result").text, 10),
                  f"an upload over the limit shows the API's problem: {driver.find_element(By.ID, 'u-result').text!r}")

        # A narrow window: one column, nothing wider than the window.
        driver.set_window_size(420, 900)
        time.sleep(0.3)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(overflow <= 0, f"a narrow window needs no horizontal scrolling (overflow {overflow}px)")
        shot(driver, args.screenshots, "console-narrow")
        driver.set_window_size(1400, 950)

        # Revoking the token ends its session: the page goes back to sign-in.
        _, tokens = api(base, admin, "GET", "/api/v1/tokens")
        operator_id = next(t["id"] for t in tokens["items"] if t["role"] == "operator" and t["revoked_at"] is None)
        api(base, admin, "DELETE", f"/api/v1/tokens/{operator_id}")
        driver.find_element(By.ID, "paths-prev").click() if driver.find_element(By.ID, "paths-prev").is_enabled() else None
        driver.find_element(By.CSS_SELECTOR, "#path-filter button").click()
        check(wait(driver, lambda d: d.find_element(By.ID, "signin").is_displayed(), 5), "a revoked token's session goes back to sign-in")
        errors = console_errors(driver, caused=caused + [("/api/v1/key-paths", 401)])
        check(errors == [], f"no errors in the browser console (operator): {errors}")

        # Events the page does not know, or cannot read, are shown raw, as text, and break nothing:
        # the event stream is replaced, before the page loads, by one that sends such events.
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": r"""
            const realFetch = window.fetch;
            window.fetch = (url, options) => {
              if (String(url).startsWith('/api/v1/events') && !String(url).includes('history')) {
                const body = 'id: 900001\nevent: quantum.teleport\ndata: {"id":900001,"kind":"quantum.teleport","subject":"<b>x</b>"}\n\n' +
                             'id: 900002\nevent: link.status\ndata: not json <i>at all</i>\n\n';
                const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(body)); } });
                return Promise.resolve(new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } }));
              }
              return realFetch(url, options);
            };"""})
        check(sign_in(driver, base, admin), "an admin signs in")
        check(wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#events li[data-kind="quantum.teleport"]'), 5),
              "an event of a kind the page does not know is listed")
        log = driver.find_element(By.ID, "events").text
        check('"subject":"<b>x</b>"' in log and "not json <i>at all</i>" in log, f"unknown and unreadable events are shown raw: {log!r}")
        check(not driver.find_elements(By.CSS_SELECTOR, "#events b, #events i"), "their markup is text")
        check(driver.find_element(By.CSS_SELECTOR, "#map [data-node]").is_displayed(), "and the page goes on working")
        errors = console_errors(driver)
        check(errors == [], f"no errors in the browser console (odd events): {errors}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
