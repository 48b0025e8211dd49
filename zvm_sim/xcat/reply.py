"""Reply shaping: xcatd response messages as the v1 CGI returns them.

- zvmUtils.pm printLn: a string matching ``/(\\(error\\)|\\s*failed)/i`` is an
  error message (``{"error": [s], "errorcode": ["1"]}``), else ``{"info": [s]}``.
  The match is on the whole string, so one "failed" anywhere in a multi-line
  output makes all of it an error, as in xCAT.
- zvmxcatws.cgi wrapJson: ``{"data": [<message>, ...]}``; every value is a list
  (XMLin ForceArray).  Newer xcatd adds ``xcatdsource``; we add it to every
  message so clients prove they ignore unknown keys.
- wrapHtml for requests without ``format`` (tables of the same messages).
- Refusals by xcatd itself (bad credentials, unknown node) are 401/403 with an
  HTML ``<p>`` body even though the content type says JSON (wrapData).
"""

import html
import json
import re

_ERROR_RE = re.compile(r'(\(error\)|\s*failed)', re.I)


def println(text, source=None):
    """One printLn message.

    An empty text goes through xcatd's XML as an empty element, which the
    CGI's XMLin turns into ``null`` (``info: [null]``: realxcat, rinv
    --zfcppool of a missing pool).
    """
    if text == '':
        msg = {'info': [None]}
    elif _ERROR_RE.search(text):
        msg = {'error': [text], 'errorcode': ['1']}
    else:
        msg = {'info': [text]}
    if source:
        msg['xcatdsource'] = [source]
    return msg


def data(text, source=None):
    msg = {'data': [text]}
    if source:
        msg['xcatdsource'] = [source]
    return msg


def error(text, source=None):
    msg = {'error': [text], 'errorcode': ['1']}
    if source:
        msg['xcatdsource'] = [source]
    return msg


def with_hostname(node, text):
    """zvmUtils.pm appendHostname: ``node: `` in front of every line."""
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return ''.join('%s: %s\n' % (node, ln) for ln in lines)


def xml_round_trip(messages):
    """What xcatd's XMLout and the CGI's XMLin(SuppressEmpty => undef) leave.

    An empty or blank text becomes null (``{"info": [null]}``), as real
    xCAT answers e.g. ``rinv --fcpdevices active details`` with no device.
    """
    def value(v):
        return None if isinstance(v, str) and not v.strip() else v
    return [{k: [value(v) for v in vs] if isinstance(vs, list) else vs
             for k, vs in m.items()} for m in messages]


def to_json(messages):
    return json.dumps({'data': xml_round_trip(messages)})


def to_html(messages):
    """A small version of zvmxcatws.cgi wrapHtml."""
    out = []
    for m in messages:
        for key in ('data', 'info', 'error'):
            if key in m:
                out.append('<table border=1>')
                for item in m[key]:
                    out.append('<tr><td>%s</td></tr>\n' % html.escape(str(item)))
                out.append('</table>')
    return ''.join(out)


def refusal(text):
    """wrapData for a serverdone+error first response: ``<p>text</p>``."""
    return '<p>%s</p>' % html.escape(text, quote=False)
