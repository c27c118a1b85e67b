#!/usr/bin/env python3
"""Times lxml parsing a document into a tree (no validation), per CPU second, for comparison with
`qonduit bench codec` on the same bytes (`qonduit bench codec --save-node FILE`).

Prints `lxml_parse docs_per_s=...`. Needs `pip install lxml`.
"""
import argparse
import sys
import time

try:
    from lxml import etree
except ImportError:
    sys.exit("lxml is not installed: pip install lxml")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    data = open(args.document, "rb").read()
    secure = etree.XMLParser(resolve_entities=False, no_network=True)
    # CPU time of this thread, as `qonduit bench codec` counts it: other load on the machine does not count.
    count, start = 0, time.thread_time()
    while time.thread_time() - start < args.seconds:
        for _ in range(100):
            etree.fromstring(data, secure)
        count += 100
    elapsed = time.thread_time() - start
    print(f"document_bytes={len(data)}")
    print(f"lxml_parse docs_per_s={int(count / elapsed)}")


if __name__ == "__main__":
    main()
