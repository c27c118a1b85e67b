"""Times link faults from the device to the controller's event stream (see bench-notify.sh)."""
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
import urllib.request

server, agents_log, faults = sys.argv[1], sys.argv[2], int(sys.argv[3])
token = os.environ["QONDUIT_TOKEN"]
headers = {"Authorization": "Bearer " + token}


def api(path):
    request = urllib.request.Request(server + path, headers=headers)
    return json.load(urllib.request.urlopen(request))


roots = dict(re.findall(r"agent (\S+) listening on (\S+)/restconf", open(agents_log).read()))
links = [link for link in api("/api/v1/links?limit=10000")["items"] if link["status"] == "up" and link["node_a"] in roots]
random.seed(11)

# One reader of the controller's events, from now on: each link.status event's arrival time.
arrivals = {}
arrived = threading.Condition()


def follow():
    url = urllib.parse.urlparse(server)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    connection.request("GET", "/api/v1/events?kind=link.status", headers=dict(headers, Accept="text/event-stream"))
    response = connection.getresponse()
    for raw in response:
        line = raw.decode().rstrip("\n")
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:])
        key = (event.get("subject"), event.get("data", {}).get("to"))
        with arrived:
            arrivals[key] = time.monotonic()
            arrived.notify_all()


threading.Thread(target=follow, daemon=True).start()
time.sleep(1)
latencies = []
lost = 0
for n in range(faults):
    link = random.choice(links)
    status = "down"
    for status in ("down", "up"):
        key = (link["id"], status)
        with arrived:
            arrivals.pop(key, None)
        sent = time.monotonic()
        request = urllib.request.Request(
            "%s/agent/v1/links/%s/%s" % (roots[link["node_a"]], link["qkdl_id"], status), method="POST")
        urllib.request.urlopen(request).read()
        with arrived:
            if not arrived.wait_for(lambda: key in arrivals, timeout=10):
                lost += 1
                continue
            if status == "down":
                latencies.append((arrivals[key] - sent) * 1000)

latencies.sort()


def percentile(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]


print("faults=%d timed=%d lost=%d latency_ms p50=%.1f p90=%.1f p99=%.1f max=%.1f" % (
    faults, len(latencies), lost, percentile(50), percentile(90), percentile(99), latencies[-1]))
