"""A CalDAV session as python3-caldav (Debian's, written by others) runs it against Life OS.

Usage: python-caldav-client.py <dav url> <username> <password>
Prints one JSON object of what the client saw at each step; caldav-clients.test.ts checks it and Life OS's own view.
"""
import datetime
import json
import sys

import caldav

url, username, password = sys.argv[1:4]
seen = {}
client = caldav.DAVClient(url=url, username=username, password=password)
principal = client.principal()
calendars = principal.calendars()
seen["collections"] = sorted(c.url.path for c in calendars)
seen["components"] = {c.url.path: sorted(c.get_supported_components()) for c in calendars}
events = next(c for c in calendars if c.url.path.endswith("/events/"))
inbox = next(c for c in calendars if c.url.path.endswith("/inbox/"))

seen["initial"] = sorted(str(e.icalendar_component["SUMMARY"]) for e in events.events())
collection = events.objects_by_sync_token(load_objects=True)
first_token = collection.sync_token

created = events.save_event(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//python-caldav test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:py-standup\r\nDTSTAMP:20261201T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20261201T093000\r\nDTEND;TZID=Europe/Berlin:20261201T094500\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=TU\r\nSUMMARY:Stand-up\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:py-standup\r\nDTSTAMP:20261201T000000Z\r\n"
    "RECURRENCE-ID;TZID=Europe/Berlin:20261208T093000\r\n"
    "DTSTART;TZID=Europe/Berlin:20261208T110000\r\nDTEND;TZID=Europe/Berlin:20261208T111500\r\n"
    "SUMMARY:Stand-up (late)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
seen["created_url"] = created.url.path

in_range = events.date_search(
    start=datetime.datetime(2026, 12, 7, tzinfo=datetime.timezone.utc),
    end=datetime.datetime(2026, 12, 14, tzinfo=datetime.timezone.utc),
    expand=False,
)
seen["in_range"] = sorted(str(e.icalendar_component["SUMMARY"]) for e in in_range)
seen["before_range"] = len(
    events.date_search(
        start=datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc),
        end=datetime.datetime(2026, 11, 8, tzinfo=datetime.timezone.utc),
        expand=False,
    )
)

created.load()
created.icalendar_component["SUMMARY"] = "Team stand-up"
created.save()
again = events.event_by_url(created.url)
again.load()
seen["updated_summary"] = str(again.icalendar_component["SUMMARY"])
seen["overrides_back"] = sorted(
    str(c.get("SUMMARY")) for c in again.icalendar_instance.walk("VEVENT") if c.get("RECURRENCE-ID") is not None
)

fetched = events.calendar_multiget([created.url])
seen["multiget"] = [str(e.icalendar_component["UID"]) for e in fetched]

updated, deleted = collection.sync()
seen["sync_updated"] = sorted(o.url.path for o in updated)
seen["sync_token_moved"] = collection.sync_token != first_token

task = inbox.save_todo(summary="Buy milk", due=datetime.date(2026, 12, 9), priority=1)
task.load()
task.complete()
seen["todos_open"] = sorted(str(t.icalendar_component["SUMMARY"]) for t in inbox.todos())
seen["todos_all"] = sorted(str(t.icalendar_component["SUMMARY"]) for t in inbox.todos(include_completed=True))

seeded = next(e for e in events.events() if str(e.icalendar_component["SUMMARY"]) == "Seeded")
seeded.delete()
updated, deleted = collection.sync()
seen["sync_deleted"] = sorted(o.url.path for o in deleted)

print(json.dumps(seen))
