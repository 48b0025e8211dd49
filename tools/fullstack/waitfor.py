"""Small waits and look-ups for tools/fullstack.sh (loopback only).

  python -m tools.fullstack.waitfor ports N            N free 127.0.0.1 ports
  python -m tools.fullstack.waitfor amqp URL SECONDS   a broker accepts a login
  python -m tools.fullstack.waitfor http URL SECONDS   a server answers HTTP
  python -m tools.fullstack.waitfor jsonline FILE SECONDS
                                                       first JSON line of FILE
  python -m tools.fullstack.waitfor tcp PORT SECONDS   a server listens on PORT
  python -m tools.fullstack.waitfor db URL SECONDS     a database (SQLAlchemy URL)
                                                       accepts a login
  python -m tools.fullstack.waitfor service URL BINARY COUNT SECONDS
                                                       COUNT services BINARY
                                                       registered in cinder's DB

Each wait polls until it succeeds or SECONDS pass (exit 1, with the last
error on stderr). A wait also gives up when the process whose pid is in
the environment variable FULLSTACK_WATCH_PID has died: no point waiting
for a server that already exited.
"""

import json
import os
import socket
import sys
import time


def free_ports(count):
    socks, ports = [], []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(('127.0.0.1', 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def _watched_dead():
    pid = os.environ.get('FULLSTACK_WATCH_PID')
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def poll(check, seconds, what):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result is not None:
                return result
        except Exception as e:   # any failure means: not ready yet
            last = e
        if _watched_dead():
            raise SystemExit('%s: the process exited (last error: %s)' % (what, last))
        time.sleep(0.2)
    raise SystemExit('%s: not ready after %ss (last error: %s)' % (what, seconds, last))


def check_amqp(url):
    import kombu
    with kombu.Connection(url, connect_timeout=2) as conn:
        conn.connect()
    return True


def check_http(url):
    import requests
    resp = requests.get(url, timeout=3)
    if resp.status_code >= 500:
        raise RuntimeError('HTTP %s' % resp.status_code)
    return True


def check_jsonline(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.strip()
            if line.startswith('{'):
                return json.loads(line)
    return None


def check_tcp(port):
    with socket.create_connection(('127.0.0.1', int(port)), timeout=2):
        return True


def _query(url, sql, **params):
    import sqlalchemy
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sqlalchemy.text(sql), params).scalar()
    finally:
        engine.dispose()


def check_db(url):
    return _query(url, 'SELECT 1') == 1 or None


def check_services(url, binary, count):
    # The row appears when the service has started (and registered).
    n = _query(url, 'SELECT COUNT(*) FROM services WHERE `binary` = :binary '
               'AND deleted = 0', binary=binary)
    return n >= count or None


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    cmd, args = argv[0], argv[1:]
    if cmd == 'ports':
        print(' '.join(str(p) for p in free_ports(int(args[0]))))
    elif cmd == 'amqp':
        poll(lambda: check_amqp(args[0]), float(args[1]), 'amqp')
    elif cmd == 'http':
        poll(lambda: check_http(args[0]), float(args[1]), 'http ' + args[0])
    elif cmd == 'jsonline':
        print(json.dumps(poll(lambda: check_jsonline(args[0]), float(args[1]),
                              'json line in ' + args[0])))
    elif cmd == 'tcp':
        poll(lambda: check_tcp(args[0]), float(args[1]), 'tcp port ' + args[0])
    elif cmd == 'db':
        poll(lambda: check_db(args[0]), float(args[1]), 'database')
    elif cmd == 'service':
        poll(lambda: check_services(args[0], args[1], int(args[2])), float(args[3]),
             '%s x%s in the database' % (args[1], args[2]))
    else:
        raise SystemExit('unknown command %s' % cmd)
    return 0


if __name__ == '__main__':
    sys.exit(main())
