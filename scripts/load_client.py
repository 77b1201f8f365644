"""A light load client for the dashboard: one simulated user is one websocket speaking Streamlit's own protocol, as
the browser's frontend does, so that 25 users fit on a 2-core machine beside the server (25 Chromium contexts do
not: the browsers then measure themselves as much as the server).

The protocol, as Streamlit 1.67's frontend speaks it (``static/js/index.*.js``: ``sendRerunBackMsg`` and
``onPageChange``; ``streamlit/runtime/app_session.py`` on the server):

- the client opens ``/_stcore/stream`` (subprotocol ``streamlit``) and sends a ``BackMsg`` ``rerun_script`` with the
  address's query string, the page's path as ``page_name`` and the browser's context (locale, time zone);
- the server answers with ``ForwardMsg`` messages: ``new_session``, ``navigation`` (the pages and their
  ``page_script_hash``), one ``delta`` per element drawn (widgets carry their id ``$$ID-<hash>-<key>`` and their
  value), ``page_info_changed`` when the script writes the address's query string, and ``script_finished`` when
  the run is over: the script is idle;
- a widget change is another ``rerun_script`` with the widgets' values in ``widget_states`` (multiselects and pills
  by their labels, sliders as numbers), the current query string and page hash; a click on a page link is one
  with that link's ``page_script_hash`` and query string, and only the widgets outside the page (the sidebar's).

An interaction's time is from sending the change until ``script_finished``: the server's whole share (the run,
every element serialised and sent, received and parsed here). What this client cannot see is the browser's share:
React laying out the elements, Plotly and deck.gl drawing the charts (``scripts/bench_load.py --chromium`` measures
that in Chromium for comparison)."""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

STREAM = "/_stcore/stream"
ID_PREFIX = "$$ID-"
SIDEBAR = 1  # a delta's path starts with its container: 0 the main area, 1 the sidebar
# The widget kinds whose value the client keeps and sends back, as the frontend does; others (charts' selections,
# tables' selections, downloads) keep their server-side value, which is what an untouched widget does anyway.
VALUE_KINDS = ("slider", "multiselect", "button_group", "selectbox", "checkbox")
DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR


class LoadError(Exception):
    """What a user would see as a failure: an exception on the page, a closed connection, or no answer in time.
    ``kind`` names it for the counts ('exception', 'closed', 'timeout', 'compile', 'protocol')."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass
class Widget:
    """A widget as the last run drew it, and the value the client holds for it (the wire form)."""

    id: str
    key: str
    kind: str
    options: tuple[str, ...]  # the labels, as the user sees and the wire carries them
    value: object
    sidebar: bool
    bounds: tuple[float, float] = (0.0, 0.0)  # a slider's min and max


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    messages: int = 0
    bytes: int = 0
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # markdown and headings, in order: what the page says
    elements: dict[str, int] = field(default_factory=dict)  # element kind -> how many were drawn
    query_string: str = ""  # the address's query string after the run


def _key_of(widget_id: str) -> str:
    """The user key of a widget id ``$$ID-<hash>-<key>``; a widget without a key (``...-None``) is known by its id."""
    if widget_id.startswith(ID_PREFIX):
        parts = widget_id.split("-", 2)
        if len(parts) == 3 and parts[2] != "None":
            return parts[2]
    return widget_id


def _widget_of(kind: str, el, sidebar: bool, held: Widget | None) -> Widget | None:
    """The client's view of a widget delta. The value drawn replaces the one held when the script set it
    (``set_value``) or when the widget is new to the client; else the client keeps its own, as the frontend does."""
    key = _key_of(el.id)
    bounds = (0.0, 0.0)
    if kind == "slider":
        options: tuple[str, ...] = tuple(el.options)
        drawn: object = list(el.value) if el.set_value else list(el.default)
        bounds = (el.min, el.max)
    elif kind == "multiselect":
        options = tuple(el.options)
        drawn = list(el.raw_values) if el.set_value else [options[i] for i in el.default]
    elif kind == "button_group":
        options = tuple(o.content for o in el.options)
        drawn = list(el.raw_values) if el.set_value else [options[i] for i in el.default]
    elif kind == "selectbox":
        options = tuple(el.options)
        if el.set_value:
            drawn = el.raw_value
        else:
            drawn = options[el.default] if el.HasField("default") and options else None
    elif kind == "checkbox":
        options = ()
        drawn = bool(el.value) if el.set_value else bool(el.default)
    elif kind == "button":
        options, drawn = (), False
    else:
        return None
    value = drawn if held is None or getattr(el, "set_value", False) else held.value
    return Widget(el.id, key, kind, options, value, sidebar, bounds)


def _state_of(widget: Widget, trigger: bool = False) -> WidgetState | None:
    state = WidgetState(id=widget.id)
    if widget.kind == "button":
        if not trigger:
            return None
        state.trigger_value = True
    elif widget.kind == "slider":
        state.double_array_value.data.extend(float(v) for v in widget.value)  # type: ignore[union-attr]
    elif widget.kind in ("multiselect", "button_group"):
        state.string_array_value.data.extend(str(v) for v in widget.value)  # type: ignore[union-attr]
    elif widget.kind == "selectbox":
        if widget.value is None:
            return None
        state.string_value = str(widget.value)
    elif widget.kind == "checkbox":
        state.bool_value = bool(widget.value)
    else:
        return None
    return state


class Session:
    """One simulated user: a websocket to one server, the widgets and page links of the page it shows.

    ``open()`` loads a page; ``change()`` sets a widget by its key and waits for the run; ``click()`` presses a
    button; ``go()`` follows the sidebar's link to a page. Each returns the :class:`Run` it caused, or raises
    :class:`LoadError`."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, locale: str = "en-US") -> None:
        self.base_url = base_url.rstrip("/")
        parsed = urllib.parse.urlsplit(self.base_url)
        self.ws_url = f"ws://{parsed.netloc}{parsed.path}{STREAM}"
        self.timeout = timeout
        self.locale = locale
        self.ws = None
        self.widgets: dict[str, Widget] = {}  # by key
        self.links: dict[str, tuple[str, str]] = {}  # url path ('' for the home page) -> (page hash, query string)
        self.page_hash = ""
        self.path = ""
        self.query_string = ""
        self.last: Run | None = None

    # ------------------------------------------------------------------ connection
    async def open(self, path: str = "", query: str = "") -> Run:
        """Connect and load ``/path?query`` as a browser's first visit does."""
        try:
            # No protocol-level pings: a browser sends none, and a server busy with 25 sessions should not have its
            # users dropped by the load client's own keep-alive.
            self.ws = await asyncio.wait_for(
                websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                                   open_timeout=self.timeout), self.timeout)
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as exc:
            raise LoadError("closed", f"could not connect: {exc!r}") from exc
        self.path, self.query_string = path.strip("/"), query.lstrip("?")
        msg = self._rerun()
        msg.rerun_script.page_name = self.path
        return await self._send_and_wait(msg)

    async def close(self) -> None:
        if self.ws is not None:
            ws, self.ws = self.ws, None
            try:
                await asyncio.wait_for(ws.close(), 10)
            except (OSError, asyncio.TimeoutError, websockets.WebSocketException):
                pass

    # ------------------------------------------------------------------ interactions
    def widget(self, key: str) -> Widget:
        try:
            return self.widgets[key]
        except KeyError:
            raise LoadError("protocol", f"no widget with key {key!r} on the page (has {sorted(self.widgets)})") from None

    async def change(self, key: str, value: object) -> Run:
        """Set the widget ``key`` to ``value`` (its wire form: labels for multiselects and pills, numbers for a
        slider) and wait until the run it causes is over."""
        self.widget(key).value = value
        return await self._send_and_wait(self._rerun(self._states()))

    async def click(self, key: str) -> Run:
        """Press the button ``key``."""
        target = self.widget(key)
        return await self._send_and_wait(self._rerun(self._states(trigger=target.id)))

    async def go(self, path: str) -> Run:
        """Follow the sidebar's link to the page at ``path`` (its query string is the link's: the filters)."""
        path = path.strip("/")
        if path not in self.links:
            raise LoadError("protocol", f"no link to {path!r} (has {sorted(self.links)})")
        page_hash, query = self.links[path]
        self.path, self.query_string = path, query
        msg = self._rerun(self._states(sidebar_only=True))
        msg.rerun_script.page_script_hash = page_hash
        return await self._send_and_wait(msg)

    # ------------------------------------------------------------------ messages
    def _rerun(self, states: list[WidgetState] | None = None) -> BackMsg:
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_hash
        if states:
            rerun.widget_states.widgets.extend(states)
        info = rerun.context_info
        info.locale = self.locale
        info.timezone = "UTC"
        info.timezone_offset = 0
        info.url = f"{self.base_url}/{self.path}" + (f"?{self.query_string}" if self.query_string else "")
        info.is_embedded = False
        info.color_scheme = "light"
        return msg

    def _states(self, *, trigger: str | None = None, sidebar_only: bool = False) -> list[WidgetState]:
        out = []
        for w in self.widgets.values():
            if sidebar_only and not w.sidebar:
                continue
            state = _state_of(w, trigger=w.id == trigger)
            if state is not None:
                out.append(state)
        return out

    async def _send_and_wait(self, msg: BackMsg) -> Run:
        if self.ws is None:
            raise LoadError("closed", "not connected")
        t0 = time.perf_counter()
        run = Run(0.0)
        try:
            await self.ws.send(msg.SerializeToString())
            async with asyncio.timeout(self.timeout):
                await self._read_run(run)
        except TimeoutError as exc:
            raise LoadError("timeout", f"no script_finished within {self.timeout:.0f} s") from exc
        except websockets.ConnectionClosed as exc:
            raise LoadError("closed", repr(exc)) from exc
        except OSError as exc:
            raise LoadError("closed", repr(exc)) from exc
        run.seconds = time.perf_counter() - t0
        run.query_string = self.query_string
        self.last = run
        if run.exceptions:
            raise LoadError("exception", run.exceptions[0][:300])
        return run

    async def _read_run(self, run: Run) -> None:
        """Read ForwardMsgs until the run this client asked for is over, keeping the widgets, links and texts."""
        seen: dict[str, Widget] = {}
        links: dict[str, tuple[str, str]] = {}
        while True:
            raw = await self.ws.recv()
            run.messages += 1
            run.bytes += len(raw)
            fmsg = ForwardMsg()
            fmsg.ParseFromString(raw)
            kind = fmsg.WhichOneof("type")
            if kind == "delta":
                self._on_delta(fmsg, run, seen, links)
            elif kind == "navigation":
                self.page_hash = fmsg.navigation.page_script_hash
                for page in fmsg.navigation.app_pages:
                    links.setdefault(page.url_pathname, (page.page_script_hash, self.query_string))
            elif kind == "page_info_changed":
                self.query_string = fmsg.page_info_changed.query_string
            elif kind == "page_not_found":
                run.exceptions.append(f"page not found: {fmsg.page_not_found.page_name}")
            elif kind == "script_finished":
                if fmsg.script_finished == COMPILE_ERROR:
                    raise LoadError("compile", "the script did not compile")
                if fmsg.script_finished == DONE:
                    break
                # FINISHED_EARLY_FOR_RERUN: the script asked for another run (st.rerun, st.switch_page), whose
                # end is the one the user waits for
        # The frontend forgets the widgets the run did not draw (another page's); so does the client.
        self.widgets = {w.key: w for w in seen.values()}
        self.links.update(links)

    def _on_delta(self, fmsg: ForwardMsg, run: Run, seen: dict[str, Widget], links: dict[str, tuple[str, str]]) -> None:
        delta = fmsg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        run.elements[kind] = run.elements.get(kind, 0) + 1
        el = getattr(element, kind)
        if kind == "exception":
            run.exceptions.append(f"{el.type}: {el.message}")
        elif kind == "markdown":
            run.texts.append(el.body)
        elif kind == "heading":
            run.texts.append(el.body)
        elif kind == "page_link":
            links[el.page] = (el.page_script_hash, el.query_string)
        elif kind in VALUE_KINDS or kind == "button":
            path = list(fmsg.metadata.delta_path)
            key = _key_of(el.id)
            widget = _widget_of(kind, el, bool(path) and path[0] == SIDEBAR, self.widgets.get(key))
            if widget is not None:
                seen[widget.id] = widget
