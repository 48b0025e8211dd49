# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Keep the xCAT password out of logs, exception texts and reprs.

xCAT REST v1 only takes credentials as query parameters
(``?userName=..&password=..``), so the password is part of every URL.
requests and urllib3 put that URL into their exception messages and
urllib3 logs it (``urllib3.connectionpool`` at DEBUG: ``"GET
/xcatws/...?password=... HTTP/1.1" 200``; its retry WARNING too).

Three layers stop it:

1. every configured password is registered here (raw, URL-encoded with
   either case of hex digits, and HTML-escaped forms) and :func:`redact`
   replaces it, after ``oslo_utils.strutils.mask_password`` has masked
   ``password=...``;
2. :func:`install_log_filter` puts a :class:`RedactingFilter` on the
   urllib3 and requests loggers (logger filters do not apply to records of
   child loggers, so each logger gets its own);
3. the client never re-raises a requests/urllib3 exception: it builds a
   zvm_xcat exception from redacted text and raises it outside the
   ``except`` block, so that neither ``__cause__`` nor ``__context__``
   holds the original (``from None`` only hides ``__context__`` from the
   traceback printer; the object, with the URL in its text, stays).

Redaction is for text that leaves the client (log records, exception
messages). Replies are parsed as xCAT sent them: masking a password like
``4001`` inside a reply would rewrite LUNs and owners before they are read.
"""

import html
import logging
import re
import threading
import urllib.parse

from oslo_utils import strutils

MASK = '***'

_lock = threading.Lock()
_secrets = ()  # longest first, replaced atomically under _lock
_pattern = None  # one regex matching every form of every secret
_PERCENT = re.compile(r'%[0-9A-Fa-f]{2}')

# Loggers that may format a URL with the credentials in it.
_LIBRARY_LOGGERS = (
    'urllib3',
    'urllib3.connection',
    'urllib3.connectionpool',
    'urllib3.poolmanager',
    'urllib3.response',
    'urllib3.util',
    'urllib3.util.retry',
    'urllib3.util.ssl_',
    'requests',
    'requests.packages.urllib3',
    'requests.packages.urllib3.connectionpool',
    # Our own modules: their messages are redacted where they are built,
    # the filter is a second line.
    'zvm_xcat',
    'zvm_xcat.client',
    'zvm_xcat.zfcp',
)


def _forms(secret):
    """The ways ``secret`` can appear in a URL, a log or an HTML page."""
    forms = {secret, html.escape(secret, quote=True),
             html.escape(secret, quote=False)}
    for encoded in (urllib.parse.quote_plus(secret),
                    urllib.parse.quote(secret, safe='')):
        forms.add(encoded)
        # Servers and proxies echo percent escapes in lower case too.
        forms.add(_PERCENT.sub(lambda m: m.group(0).lower(), encoded))
    # html.escape writes ' as &#x27;; other encoders use &#39;.
    forms.add(html.escape(secret, quote=True).replace('&#x27;', '&#39;'))
    return forms


def _form_regex(form):
    """A regex for ``form`` whose percent escapes match either case."""
    parts, last = [], 0
    for m in _PERCENT.finditer(form):
        parts.append(re.escape(form[last:m.start()]))
        parts.append('%' + ''.join('[%s%s]' % (c.upper(), c.lower())
                                   if c.isalpha() else c
                                   for c in form[m.start() + 1:m.end()]))
        last = m.end()
    parts.append(re.escape(form[last:]))
    return ''.join(parts)


def register_secret(secret):
    """Remember ``secret`` so that :func:`redact` removes it everywhere."""
    if secret is None:
        return
    secret = str(secret)
    if not secret:
        return
    global _secrets, _pattern
    with _lock:
        merged = set(_secrets) | _forms(secret)
        _secrets = tuple(sorted(merged, key=len, reverse=True))
        _pattern = re.compile('|'.join(_form_regex(f) for f in _secrets))


def remove_secrets(text):
    """Replace every registered password in ``text`` (nothing else)."""
    pattern = _pattern
    if pattern is None:
        return text
    return pattern.sub(MASK, text)


def redact(text):
    """Return ``text`` with every password masked.

    The registered passwords are replaced first: mask_password stops at
    the first blank, so running it first could cut a password containing
    one in two and leave its tail unrecognisable.
    """
    if text is None:
        return text
    return strutils.mask_password(remove_secrets(str(text)), secret=MASK)


def truncate(text, limit=500):
    """Shorten ``text`` to ``limit`` characters, saying how much was cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return '%s... [%d more characters]' % (text[:limit], len(text) - limit)


class Secret(object):
    """Holds a secret so that no repr, str or vars() dump shows it."""

    __slots__ = ('_value',)

    def __init__(self, value):
        self._value = value

    def reveal(self):
        return self._value

    def __repr__(self):
        return '<secret>'

    __str__ = __repr__


class RedactingFilter(logging.Filter):
    """Rewrites a record so that its message and traceback are redacted.

    The record is formatted once here (``getMessage``) and its args dropped:
    after that no handler can re-insert a URL from the args.
    """

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken record must not break logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_filter(extra_loggers=()):
    """Attach the redacting filter to the library loggers (idempotent)."""
    names = set(_LIBRARY_LOGGERS) | set(extra_loggers)
    # Child loggers created by the libraries before we ran, e.g. when a
    # future urllib3 adds a module.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(('urllib3', 'requests')):
            names.add(name)
    for name in sorted(names):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
