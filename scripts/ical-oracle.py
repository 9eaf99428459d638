#!/usr/bin/python3
"""Occurrences of an .ics file in a window, as two implementations Life OS does not use compute them.

The references are Debian's python3-recurring-ical-events (on python3-icalendar, with python3-x-wr-timezone) and
libical through gir1.2-ical-3.0. Life OS's tests run this script and compare its answer with their own expansion
(apps/api/test/ics-oracle.test.ts).

Usage: ical-oracle.py FILE FROM TO [--floating-zone=ZONE] [--reference=rie|libical]
       ical-oracle.py --batch < questions.json   (many answers from one process, see main)
       ical-oracle.py --validate=FILE            (what libical finds wrong in a file)
       ical-oracle.py --vtimezone=ZONE           (prints libical's VTIMEZONE of an IANA zone)
FROM and TO are UTC instants (2026-01-01T00:00:00Z). Floating times are read in --floating-zone (default UTC),
as Life OS reads them in the user's zone.

Prints one JSON object: {"reference": name and version, "occurrences": [{"uid", "start", "end", "allDay"}],
"unreadable": [{"uid", "reason"}]}. A timed occurrence's start and end are UTC instants (…Z); an all-day one's are
dates (YYYY-MM-DD, end exclusive). Occurrences are those whose start lies in [FROM, TO).

Real files are often a little broken, and both references give up on a whole calendar for one bad line. So a file
the reference cannot read whole is read again one UID at a time (each with all the file's VTIMEZONEs); the UIDs it
still cannot read are listed as unreadable with the reference's message, and the other UIDs are answered.
"""
import datetime as dt
import json
import re
import sys
import zoneinfo

UTC = dt.timezone.utc


def unfold(text):
    text = text.lstrip("\ufeff")
    return re.sub(r"\r?\n[ \t]", "", text.replace("\r\n", "\n").replace("\r", "\n"))


def split_blocks(text):
    """(preamble VTIMEZONE blocks, {uid: [VEVENT blocks]}) from an unfolded calendar's lines."""
    lines = [line for line in text.split("\n") if line.strip() != ""]
    timezones, events, order = [], {}, []
    current, depth, kind = None, 0, None
    for line in lines:
        upper = line.upper()
        if current is not None:
            current.append(line)
            if upper.startswith("BEGIN:"):
                depth += 1
            elif upper.startswith("END:"):
                depth -= 1
                if depth == 0:
                    if kind == "VTIMEZONE":
                        timezones.append(current)
                    else:
                        uid = next((l.split(":", 1)[1] for l in current if l.upper().startswith("UID")), "")
                        if uid not in events:
                            events[uid] = []
                            order.append(uid)
                        events[uid].append(current)
                    current = None
        elif upper in ("BEGIN:VEVENT", "BEGIN:VTIMEZONE"):
            current, depth, kind = [line], 1, upper[6:]
    header = [l for l in lines[:20] if l.upper().startswith("X-WR-TIMEZONE")]
    return header, timezones, [(uid, events[uid]) for uid in order]


def without_alarms(text):
    """VALARMs say nothing about when an event occurs, and one odd TRIGGER makes a reference give up on the file."""
    return re.sub(r"^BEGIN:VALARM$.*?^END:VALARM$\n?", "", text, flags=re.M | re.S | re.I)


def calendar_text(header, timezones, blocks):
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Life OS//oracle//EN", *header]
    for block in timezones:
        body.extend(block)
    for block in blocks:
        body.extend(block)
    body.append("END:VCALENDAR")
    return "\r\n".join(body) + "\r\n"


def parse_instant(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def occurrence(uid, start, end, floating):
    """The occurrence as Life OS answers it, or None when it does not start in the window (checked by the caller)."""
    if isinstance(start, dt.datetime):
        if start.tzinfo is None:
            start = start.replace(tzinfo=floating)
        if end is None:
            end = start
        elif isinstance(end, dt.datetime):
            if end.tzinfo is None:
                end = end.replace(tzinfo=floating)
        else:  # a DATE end against a DATE-TIME start
            end = dt.datetime.combine(end, dt.time(0), tzinfo=start.tzinfo)
        s, e = start.astimezone(UTC), end.astimezone(UTC)
        return {
            "uid": uid.strip(),
            "start": s.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": e.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "allDay": False,
            "_key": s,
        }
    if end is None or not isinstance(end, dt.date) or isinstance(end, dt.datetime) or end <= start:
        end = start + dt.timedelta(days=1)
    return {"uid": uid.strip(), "start": start.isoformat(), "end": end.isoformat(), "allDay": True,
            "_key": dt.datetime.combine(start, dt.time(0), tzinfo=floating)}


# ---------- recurring-ical-events ----------

def rie_version():
    import icalendar
    try:
        from importlib.metadata import version
        rie = version("recurring-ical-events")
    except Exception:  # noqa: BLE001 - Debian's package may lack metadata
        rie = "?"
    return f"recurring-ical-events {rie} on icalendar {icalendar.__version__}"


def rie_expand(text, start, end, floating):
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    cal = icalendar.Calendar.from_ical(text)
    cal = x_wr_timezone.to_standard(cal)
    found = []
    # The window is widened by the longest event a day can hold; occurrences are then filtered by their start.
    for component in recurring_ical_events.of(cal).between(start - dt.timedelta(days=400), end):
        if component.name != "VEVENT":
            continue
        s = component.get("DTSTART").dt
        e = component.get("DTEND").dt if component.get("DTEND") is not None else None
        if e is None and component.get("DURATION") is not None:
            e = s + component.get("DURATION").dt
        found.append(occurrence(str(component.get("UID", "")), s, e, floating))
    return found


# ---------- libical ----------

def libical_version():
    import gi
    gi.require_version("ICalGLib", "3.0")
    from gi.repository import ICalGLib
    return f"libical {ICalGLib.get_version() if hasattr(ICalGLib, 'get_version') else '3'}"


def libical_expand(text, start, end, floating):
    import gi
    gi.require_version("ICalGLib", "3.0")
    from gi.repository import ICalGLib

    root = ICalGLib.Component.new_from_string(text)
    if root is None:
        raise ValueError("libical could not parse the calendar")
    # Google's convention, which rie applies through x_wr_timezone: floating times are in X-WR-TIMEZONE's zone.
    x_wr = re.search(r"^X-WR-TIMEZONE[^:\n]*:(.+)$", text, flags=re.M | re.I)
    if x_wr:
        try:
            floating = zoneinfo.ZoneInfo(x_wr.group(1).strip())
        except Exception:  # noqa: BLE001 - an unknown zone leaves floating times in the caller's zone
            pass
    defined = set(re.findall(r"^TZID:(.+)$", text, flags=re.M))
    for tzid in set(re.findall(r";TZID=\"?([^:;\"]+)", text)) - defined:
        # Evolution wrote TZIDs as "/softwarestudio.org/Olson_20011030_5/America/Chicago": libical names its own
        # zones with such a prefix ("/freeassociation.sourceforge.net/…") and is given the Olson name of the others.
        builtin = ICalGLib.Timezone.get_builtin_timezone(re.sub(r"^/[^/]+/[^/]+/", "", tzid))
        if builtin is not None:
            component = builtin.get_component().clone()
            component.get_first_property(ICalGLib.PropertyKind.TZID_PROPERTY).set_tzid(tzid)
            root.add_component(component)
    zones = {}
    tz = root.get_first_component(ICalGLib.ComponentKind.VTIMEZONE_COMPONENT)
    while tz is not None:
        zone = ICalGLib.Timezone.new()
        zone.set_component(tz.clone())
        zones[zone.get_tzid()] = zone
        tz = root.get_next_component(ICalGLib.ComponentKind.VTIMEZONE_COMPONENT)

    utc = ICalGLib.Timezone.get_utc_timezone()

    def to_python(t, tzid):
        if t is None or t.is_null_time() or t.get_year() == 0:
            return None
        if t.is_date():
            return dt.date(t.get_year(), t.get_month(), t.get_day())
        naive = dt.datetime(t.get_year(), t.get_month(), t.get_day(), t.get_hour(), t.get_minute(), t.get_second())
        if t.is_utc():
            return naive.replace(tzinfo=UTC)
        if tzid:
            zone = zones.get(tzid) or ICalGLib.Timezone.get_builtin_timezone(tzid)
            if zone is None:
                raise ValueError(f"unknown TZID {tzid}")
            c = t.clone()
            c.set_timezone(zone)
            c.convert_to_zone_inplace(utc)
            return dt.datetime(c.get_year(), c.get_month(), c.get_day(), c.get_hour(), c.get_minute(),
                               c.get_second(), tzinfo=UTC)
        return naive

    def tzid_of(comp, kind):
        prop = comp.get_first_property(kind)
        if prop is None:
            return None
        param = prop.get_first_parameter(ICalGLib.ParameterKind.TZID_PARAMETER)
        return param.get_tzid() if param is not None else None

    events = []
    ev = root.get_first_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    while ev is not None:
        events.append(ev)
        ev = root.get_next_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    overrides = {}
    for ev in events:
        rid = ev.get_recurrenceid()
        if rid is not None and not rid.is_null_time():
            overrides.setdefault(ev.get_uid(), []).append(ev)

    def start_end(comp):
        s_tzid = tzid_of(comp, ICalGLib.PropertyKind.DTSTART_PROPERTY)
        s = to_python(comp.get_dtstart(), s_tzid)
        if s is None:
            raise ValueError("no readable DTSTART")
        e = None
        if comp.get_first_property(ICalGLib.PropertyKind.DTEND_PROPERTY) is not None:
            e = to_python(comp.get_dtend(), tzid_of(comp, ICalGLib.PropertyKind.DTEND_PROPERTY))
        if e is None and comp.get_first_property(ICalGLib.PropertyKind.DURATION_PROPERTY) is not None:
            e = s + dt.timedelta(seconds=comp.get_duration().as_int())
        return s, e

    found = []
    for ev in events:
        uid = ev.get_uid() or ""
        rid = ev.get_recurrenceid()
        if rid is not None and not rid.is_null_time():
            status = ev.get_first_property(ICalGLib.PropertyKind.STATUS_PROPERTY)
            if status is not None and status.get_value_as_string().upper() == "CANCELLED":
                continue
            s, e = start_end(ev)
            found.append(occurrence(uid, s, e, floating))
            continue
        s, e = start_end(ev)
        replaced = set()
        for o in overrides.get(uid, []):
            r = to_python(o.get_recurrenceid(), tzid_of(o, ICalGLib.PropertyKind.RECURRENCEID_PROPERTY))
            replaced.add(normalize(r, floating))
        duration = (e - s) if e is not None else None
        if ev.get_first_property(ICalGLib.PropertyKind.RRULE_PROPERTY) is None and \
                ev.get_first_property(ICalGLib.PropertyKind.RDATE_PROPERTY) is None:
            # A single event: libical's expansion gives its DTSTART unless an EXDATE names it.
            single = []
            ev.foreach_recurrence(
                ICalGLib.Time.new_from_timet_with_zone(int((start - dt.timedelta(days=400)).timestamp()), 0, utc),
                ICalGLib.Time.new_from_timet_with_zone(int(end.timestamp()), 0, utc),
                lambda comp, span, data: single.append(span),
                None,
            )
            if single or ev.get_first_property(ICalGLib.PropertyKind.EXDATE_PROPERTY) is None:
                found.append(occurrence(uid, s, e, floating))
            continue
        # libical walks the rule and applies EXDATE (foreach_recurrence); its RDATE values lose their TZID there (a
        # zoned RDATE comes back as if in UTC) and PERIOD values are dropped, so the extra dates are read here with
        # libical's own value parsing and zone conversion, and the recurrence set is RFC 5545's: (rule ∪ RDATE) − EXDATE.
        extra = []
        prop = ev.get_first_property(ICalGLib.PropertyKind.RDATE_PROPERTY)
        while prop is not None:
            param = prop.get_first_parameter(ICalGLib.ParameterKind.TZID_PARAMETER)
            tzid = param.get_tzid() if param is not None else None
            value = prop.get_rdate()
            period = value.get_period()
            if period is not None and not period.get_start().is_null_time():
                period_start = to_python(period.get_start(), tzid)
                period_end = to_python(period.get_end(), tzid)
                if period_end is None:  # start/duration form
                    period_end = period_start + dt.timedelta(seconds=period.get_duration().as_int())
                extra.append((period_start, period_end))
            else:
                extra.append((to_python(value.get_time(), tzid), None))
            prop = ev.get_next_property(ICalGLib.PropertyKind.RDATE_PROPERTY)
        # The walk stays on the component in its calendar, where its TZIDs resolve; its extra dates are read above.
        walked = ev
        while walked.get_first_property(ICalGLib.PropertyKind.RDATE_PROPERTY) is not None:
            walked.remove_property(walked.get_first_property(ICalGLib.PropertyKind.RDATE_PROPERTY))
        starts = []

        def collect(comp, span, data):
            starts.append(span.get_start())
        lo = ICalGLib.Time.new_from_timet_with_zone(int((start - dt.timedelta(days=400)).timestamp()), 0, utc)
        hi = ICalGLib.Time.new_from_timet_with_zone(int(end.timestamp()), 0, utc)
        if walked.get_first_property(ICalGLib.PropertyKind.RRULE_PROPERTY) is not None:
            walked.foreach_recurrence(lo, hi, collect, None)
        else:
            starts.append(None)  # DTSTART alone, then the extra dates
        occurrences = []
        for t in starts:
            if t is None:
                occurrences.append((s, None))
                continue
            when = dt.datetime.fromtimestamp(t, UTC)
            if isinstance(s, dt.datetime):
                occ_start = when
                if s.tzinfo is None:  # floating: libical gives its wall clock as UTC
                    occ_start = when.replace(tzinfo=None)
            else:
                occ_start = when.date()
            occurrences.append((occ_start, None))
        excluded = set()
        prop = ev.get_first_property(ICalGLib.PropertyKind.EXDATE_PROPERTY)
        while prop is not None:
            param = prop.get_first_parameter(ICalGLib.ParameterKind.TZID_PARAMETER)
            value = to_python(prop.get_exdate(), param.get_tzid() if param is not None else None)
            if value is not None:
                excluded.add(normalize(value, floating))
            prop = ev.get_next_property(ICalGLib.PropertyKind.EXDATE_PROPERTY)
        seen = set()
        for occ_start, own_end in occurrences + extra:
            if occ_start is None:
                continue
            key = normalize(occ_start, floating)
            if key in replaced or key in excluded or key in seen:
                continue
            seen.add(key)
            occ_end = own_end if own_end is not None else (occ_start + duration if duration is not None else None)
            found.append(occurrence(uid, occ_start, occ_end, floating))
    return found


def normalize(value, floating):
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=floating)
        return value.astimezone(UTC)
    return value


REFERENCES = {"rie": (rie_version, rie_expand), "libical": (libical_version, libical_expand)}


def validation_problems(path):
    """libical as a validator: the errors its parser marks (X-LIC-ERROR) and TZIDs without a VTIMEZONE."""
    import gi
    gi.require_version("ICalGLib", "3.0")
    from gi.repository import ICalGLib
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    problems = re.findall(r"X-LIC-ERROR[^\r\n]*", ICalGLib.Component.new_from_string(text).as_ical_string())
    unfolded = unfold(text)
    defined = set(re.findall(r"^TZID:(.+)$", unfolded, flags=re.M))
    used = set(re.findall(r";TZID=([^:;]+)", unfolded))
    return problems + [f"TZID {tzid} has no VTIMEZONE" for tzid in sorted(used - defined)]


def answer(path, start, end, floating_zone, reference):
    """One file's occurrences in [start, end) by one reference (see the module's docstring)."""
    floating = zoneinfo.ZoneInfo(floating_zone)
    version, expand = REFERENCES[reference]
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = without_alarms(unfold(handle.read()))
    unreadable = []
    try:
        found = expand(text, start, end, floating)
    except Exception:  # noqa: BLE001 - a whole-file failure: read one UID at a time
        header, timezones, groups = split_blocks(text)
        found = []
        for uid, blocks in groups:
            try:
                found.extend(expand(calendar_text(header, timezones, blocks), start, end, floating))
            except Exception as error:  # noqa: BLE001
                unreadable.append({"uid": uid, "reason": f"{type(error).__name__}: {error}"[:300]})
    window = [o for o in found if start <= o["_key"] < end]
    window.sort(key=lambda o: (o["_key"], o["uid"]))
    for o in window:
        del o["_key"]
    return {"reference": version(), "occurrences": window, "unreadable": unreadable}


def main(argv):
    vtimezone = next((a.split("=", 1)[1] for a in argv if a.startswith("--vtimezone=")), None)
    if vtimezone:
        # libical's own definition of an IANA zone, for tests that write files with their VTIMEZONEs.
        import gi
        gi.require_version("ICalGLib", "3.0")
        from gi.repository import ICalGLib
        zone = ICalGLib.Timezone.get_builtin_timezone(vtimezone)
        if zone is None:
            sys.exit(f"libical knows no zone {vtimezone}")
        component = zone.get_component().clone()
        component.get_first_property(ICalGLib.PropertyKind.TZID_PROPERTY).set_tzid(vtimezone)
        sys.stdout.write(component.as_ical_string())
        return
    validate = next((a.split("=", 1)[1] for a in argv if a.startswith("--validate=")), None)
    if validate:
        json.dump({"problems": validation_problems(validate)}, sys.stdout)
        sys.stdout.write("\n")
        return
    if "--batch" in argv:
        # Many questions in one process (the references take a while to import): a JSON list on stdin of
        # {"file", "from", "to", "reference", "floatingZone"} or {"validate": file}; the answers in the same order.
        answers = []
        for question in json.load(sys.stdin):
            if "validate" in question:
                answers.append({"problems": validation_problems(question["validate"])})
            else:
                answers.append(answer(question["file"], parse_instant(question["from"]), parse_instant(question["to"]),
                                      question.get("floatingZone", "UTC"), question.get("reference", "rie")))
        json.dump(answers, sys.stdout)
        sys.stdout.write("\n")
        return
    if "--version" in argv:
        print("; ".join(version() for version, _ in REFERENCES.values()))
        return
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in argv[1:] if a.startswith("--") and "=" in a)
    json.dump(answer(args[0], parse_instant(args[1]), parse_instant(args[2]), opts.get("floating-zone", "UTC"),
                     opts.get("reference", "rie")), sys.stdout, indent=None)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
