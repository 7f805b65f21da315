#!/usr/bin/env python3
"""Writes the synthetic boards and seed files described in SOURCES.md (boards/ and seed/).

Every text in them is made up here; only the shapes follow the boards named in SOURCES.md.
The output is deterministic: running this again rewrites the same bytes.

    python3 src/test/resources/boards/make-synthetic.py
"""
import json
import random
import unicodedata
from pathlib import Path

BOARDS = Path(__file__).resolve().parent
SEED = BOARDS.parent / "seed"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert unicodedata.is_normalized("NFC", text), path
    path.write_bytes(text.encode("utf-8"))


def stringify(value):
    """JSON.stringify(value, null, 2): two-space indent, LF, arrays expanded, no escaping of non-ASCII."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def compose(rng, pool, target):
    """Sentences from pool, in random order without repeats, until the text reaches about target chars."""
    picked = rng.sample(pool, len(pool))
    out = []
    for s in picked:
        out.append(s)
        if len(" ".join(out)) >= target:
            break
    return " ".join(out)


def iso_ms(rng, day, hour):
    return "%sT%02d:%02d:%02d.%03dZ" % (day, hour, rng.randrange(60), rng.randrange(60), rng.randrange(1000))


# --------------------------------------------------------------------------------------------------
# kombiz--CLI-Anything.plan.tasks.json: hand-written layout (inline short arrays), not a serializer's.

KOMBIZ = """{
  "schema": "repobook-tasks/1",
  "project": "octo-harness personal fork",
  "tasks": [
    {
      "id": "OCTO-FORK-001",
      "title": "Write down which paths the fork owns",
      "status": "done",
      "deps": [],
      "notes": "Merged into personal/main as 3f2a9c1; OWNERSHIP.md and PERSONAL_TOOLS.json now list every fork-owned path."
    },
    {
      "id": "OCTO-FORK-002",
      "title": "Bring personal/main up to date with upstream",
      "status": "todo",
      "deps": ["OCTO-FORK-001"],
      "blocked_by": [],
      "notes": "On 2026-09-04 personal/main was two policy commits ahead of upstream and 21 commits behind it. Keep fork-owned paths as they are during the reviewed merge."
    },
    {
      "id": "OCTO-FORK-003",
      "title": "Land the reviewed kiln harness",
      "status": "todo",
      "deps": ["OCTO-FORK-002"],
      "blocked_by": [],
      "notes": "personal/kiln holds the finished and reviewed harness; merge it only after the upstream catch-up task is done."
    },
    {
      "id": "OCTO-FORK-004",
      "title": "Decide how the docs workflow gets its upload token",
      "status": "blocked",
      "deps": ["OCTO-FORK-001"],
      "blocked_by": [
        "owner decision on whether the fork keeps publishing docs to the upstream bucket",
        "a pinned reference for the token in the trusted secret store"
      ],
      "notes": "DOCS_BUCKET_TOKEN is read only by CI. The agent that ran on 2026-09-04 had no access to the secret store, so no placeholder secret file was written."
    }
  ]
}
"""


# --------------------------------------------------------------------------------------------------
# StrMaster--master-agent-os.agent.tasks.json: agent-run queue, JSON.stringify + "\n".

def strmaster():
    repo = "https://github.com/example-org/agent-console/pull/"
    tasks = []

    def task(ms, title, summary, target, status, priority, extra, updated, pr, merged):
        t = {
            "id": "manual-task-%d" % ms,
            "title": title,
            "summary": summary,
            "targetFile": target,
            "status": status,
            "priority": priority,
            "source": "manual",
            "createdAt": created(ms),
        }
        t.update(extra)
        if updated:
            t["updatedAt"] = updated
        if pr:
            t["result"] = {
                "branchName": "agent-task-manual-task-%d" % ms,
                "pullRequestUrl": repo + str(pr),
                "pullRequestNumber": pr,
                "merged": merged,
            }
        tasks.append(t)

    def created(ms):
        import datetime

        d = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)

    def planned(intent, wave=1):
        return {
            "intent": intent,
            "riskLevel": "low",
            "executionMode": "single-file",
            "wave": wave,
            "plannerNotes": "Single safe execution task.",
        }

    task(1780311240417, "Tighten the task list layout on narrow screens",
         "Make the task list readable on phones: smaller gutters and a single column below 640px",
         "app/tasks/page.tsx", "pending-pr", "high", {}, "2026-06-02T07:41:18.266Z", 241, False)
    task(1780398113905, "Align the status badges in the run history table",
         "Give the status badges in the run history table a fixed width so the columns line up and long "
         "status names no longer push the timestamps out of view on smaller screens.",
         "app/runs/page.tsx", "pending-pr", "high", planned("ui-polish"), "2026-06-03T12:03:02.731Z", 242, False)
    task(1780401977082, "Padidinti tarpus tarp užduočių kortelių",
         "Padidinti tarpus tarp kortelių sąraše, kad būtų lengviau skaityti, išlaikant esamą išdėstymą.",
         "app/tasks/page.tsx", "pending-pr", "medium", planned("code-improvement"),
         "2026-06-03T13:51:40.108Z", 243, False)
    task(1780405530611, "Add a gap between the 'Retry' and 'Open log' buttons",
         "Improve the retry button layout",
         "app/runs/[id]/page.tsx", "pending-pr", "high", planned("ui-polish"), "2026-06-03T14:19:57.390Z", 244, False)
    task(1780409062344, "Keep the run log scrolled to the newest line",
         "Scroll the run log to the newest line when output arrives, unless the user has scrolled up to read "
         "earlier output, so long runs stay easy to follow.",
         "app/runs/[id]/page.tsx", "pending-pr", "medium", planned("code-improvement"),
         "2026-06-03T15:02:11.924Z", 245, False)
    task(1780411874259, "Add vertical spacing around the 'Queue' header on the main page",
         "Add a little vertical space above and below the 'Queue' header on the main page so it reads as a "
         "section of its own, without moving any other element.",
         "app/page.tsx", "pending-pr", "medium", planned("code-improvement"), "2026-06-03T15:32:40.517Z", 246, True)
    task(1780413390058, "Stack the 'Retry' and 'Open log' buttons on mobile",
         "Improve the retry button layout",
         "app/page.tsx", "todo", "high", planned("ui-polish"), None, None, None)
    return stringify(tasks) + "\n"


# --------------------------------------------------------------------------------------------------
# btjc517--impactos-ai-agent.agents.tasks.json: Python json.dump(indent=2), no trailing newline.

def btjc517():
    task = {
        "type": "review",
        "agent": "Architect",
        "data": {
            "results": {
                "status": "success",
                "question": "Smoke query: which emission factors are loaded?",
                "answer": "No emission factor tables have been imported yet, so there is nothing to list. "
                "Import a factor sheet or name the data set you mean and I can summarise the factors it "
                "contains, grouped by scope.",
                "citations": [],
                "visualization": None,
                "agent": "QueryAgent",
                "timestamp": "2025-09-02T10:14:03.118204",
                "intent": {
                    "intent_type": "factual_listing",
                    "data_needs": [
                        "emission factor tables",
                        "unit conversions",
                        "source registry",
                    ],
                    "metrics": [],
                    "time_range": "current",
                    "output_format": "categorized_list",
                    "complexity": "low",
                    "analysis_notes": {
                        "query_purpose": "Simple lookup of the loaded emission factors",
                        "clarification_needed": False,
                        "visualization_recommended": False,
                        "key_requirements": [
                            "List every loaded emission factor",
                            "Group factors by scope",
                            "Show the unit of each factor",
                        ],
                    },
                },
            },
            "criteria": [
                "accuracy",
                "completeness",
                "citations",
            ],
        },
        "id": 1,
        "created_at": "2025-09-02T10:14:03.121377",
        "status": "failed",
        "updated_at": "2025-09-02T10:16:41.904512",
        "result": {
            "status": "error",
            "error": "Error code: 404 - {'type': 'error', 'error': {'type': 'not_found_error', "
            "'message': 'model: claude-2.1'}}",
            "agent": "Architect",
        },
    }
    return json.dumps([task], indent=2)


# --------------------------------------------------------------------------------------------------
# claude-code-agents-demo.tasks.json: the team's legacy array board, with two blank lines between
# elements (after the 3rd and the 6th task) and a trailing newline.

def demo():
    rows = [
        ("feature_development", "pending", "Task-Coder", "high", "US-001",
         "FEAT: Recipe import parsing", "Parse pasted recipes into ingredients and steps and reject lines it cannot read."),
        ("feature_development", "pending", "Task-Coder", "medium", "US-002",
         "FEAT: Weekly planner grid", "Lay out the seven-day grid with meal slots; saving comes later."),
        ("documentation", "pending", "Product-Owner", "low", "US-004",
         "DOC: Describe the shopping list format", "Explain sections, quantities and how merged items are shown."),
        ("feature_development", "in_progress", "Task-Coder", "high", "US-002",
         "FEAT: Save planner changes", "Store a moved meal as soon as it is dropped and confirm it on reload."),
        ("ui_test", "in_progress", "UI-Tester", "medium", "US-005",
         "TEST: Live sync between two tabs", "Check that a change in one tab shows up in the other within a second."),
        ("refactoring", "in_progress", "Code-Reviewer", "low", "US-006",
         "REFACTOR: Shared form field helpers", "Move the repeated field validation into one helper module."),
        ("bug_fix", "done", "Tester", "medium", "US-003",
         "FIX: Unit parsing of fractions", "Accept 1/2 and 1 1/2 as quantities instead of dropping them."),
        ("feature_development", "done", "Task-Coder", "high", "US-001",
         "FEAT: Recipes API", "Expose GET /api/recipes and PUT /api/recipes/:id with input checks."),
        ("bug_fix", "blocked", "DevOps-Engineer", "urgent", "US-005",
         "FIX: Sync socket drops behind the proxy", "Find why the sync socket closes after a minute behind the proxy."),
    ]
    tasks = []
    for i, (typ, status, agent, prio, story, title, desc) in enumerate(rows, 1):
        t = {
            "task_id": "T-%03d" % i,
            "type": typ,
            "status": status,
            "agent": agent,
            "priority": prio,
            "source_story_id": story,
            "payload": {"title": title, "description": desc},
        }
        if i == 5:
            t["test_count"] = 4
        t["created_at"] = "2025-09-10T09:%02d:00.000Z" % (i * 10 - 10) if i < 7 else "2025-09-10T10:%02d:00.000Z" % (
            i * 10 - 70)
        tasks.append(t)
    text = stringify(tasks) + "\n"
    parts = text.split("\n  },\n  {\n")
    assert len(parts) == 9
    out = parts[0]
    for i, p in enumerate(parts[1:], 1):
        out += ("\n  },\n\n  {\n" if i in (3, 6) else "\n  },\n  {\n") + p
    return out


# --------------------------------------------------------------------------------------------------
# claude-code-agents-schema-examples.tasks.json: json.dumps(examples, indent=2), no trailing newline.

def schema_examples():
    examples = [
        {
            "id": "TASK-001",
            "type": "feature_development",
            "status": "pending",
            "agent": "Task-Coder",
            "priority": "high",
            "priority_score": 3.8,
            "created_at": "2024-03-04T08:15:00Z",
            "updated_at": "2024-03-04T08:15:00Z",
            "source_story_id": "US-010",
            "depends_on": [],
            "payload": {
                "title": "Add password reset by email",
                "description": "Send a one-time reset link and let the user choose a new password",
                "acceptance_criteria": [
                    "User can ask for a reset link",
                    "Link expires after 30 minutes",
                    "Old password stops working after the reset",
                ],
            },
        },
        {
            "id": "TASK-002",
            "type": "ui_test_design",
            "status": "pending",
            "agent": "UI-Test-Designer",
            "priority": "high",
            "created_at": "2024-03-04T08:16:00Z",
            "updated_at": "2024-03-04T08:16:00Z",
            "source_story_id": "US-010",
            "depends_on": [],
            "payload": {
                "title": "Design UI tests for password reset",
                "description": "Write the UI test workflow for the reset request and the new password form",
                "criticality": "critical",
                "user_story_id": "US-010",
            },
        },
        {
            "id": "TASK-003",
            "type": "ui_test_execution",
            "status": "pending",
            "agent": "UI-Tester",
            "priority": "high",
            "created_at": "2024-03-04T09:00:00Z",
            "updated_at": "2024-03-04T09:00:00Z",
            "source_story_id": "US-010",
            "depends_on": ["TASK-001", "TASK-002"],
            "payload": {
                "title": "Run UI tests for password reset",
                "description": "Run the reset workflow against staging",
                "test_mode": "critical",
                "environment": "staging",
                "ui_test_workflow_path": "tests/ui/US-010-reset-test.json",
            },
        },
        {
            "id": "TASK-004",
            "type": "urgent_fix",
            "status": "pending",
            "agent": "Task-Coder",
            "priority": "urgent",
            "created_at": "2024-03-04T13:45:00Z",
            "updated_at": "2024-03-04T13:45:00Z",
            "source_story_id": "US-010",
            "depends_on": [],
            "payload": {
                "title": "Fix failing reset form UI test",
                "description": "The new password form accepts an empty confirmation field",
                "failed_test_id": "UI-TEST-014",
                "failure_details": "Submit button stays enabled with an empty confirmation",
                "blocking_deployment": True,
                "created_by": "deployment_workflow",
            },
        },
        {
            "id": "TASK-005",
            "type": "cleanup",
            "status": "pending",
            "agent": "Cleaner",
            "priority": "low",
            "created_at": "2024-03-04T07:30:00Z",
            "updated_at": "2024-03-04T07:30:00Z",
            "depends_on": [],
            "payload": {
                "title": "Trim old test logs",
                "description": "Archive log files that have grown past the size limit",
                "target_files": [".plan/test_log.md", ".plan/review-report.md"],
            },
        },
    ]
    return json.dumps(examples, indent=2)


# --------------------------------------------------------------------------------------------------
# Task Master boards (0xdolan--tajdin, 8bitGames--saju-hancom): {"master": {"tasks", "metadata"}},
# JSON.stringify(data, null, 2) with no trailing newline, string task ids, int subtask ids,
# "parentId": "undefined" on subtasks.

FERHENG_TITLES = [
    "Extension scaffolding and Manifest V3 setup",
    "Shared dictionary types and storage keys",
    "Word list import for Kurmancî and Soranî",
    "Lookup service with prefix and fuzzy matching",
    "Selection popup on double-click",
    "Popup search view",
    "Settings page for dialects and fonts",
    "Offline cache of the word lists",
    "Pronunciation audio through the offscreen document",
    "Favourites list (♥) with drag ordering",
    "History of looked-up words",
    "Keyboard shortcuts for lookup and search",
    "Right-to-left layout for Soranî entries",
    "Latin ↔ Arabic script transliteration",
    "Export and import of favourites",
    "Empty, loading… and error states",
    "Accessibility pass on popup and settings",
    "Localisation of the interface strings",
    "Store listing assets and privacy notes",
    "Release workflow for signed packages",
    "Dialect switcher and mixed-dialect results",
    "Example sentences and usage notes",
    "Quiz mode from favourites",
    "Word-of-the-day notification",
]

FERHENG_DEPS = [[], ["1"], ["2"], ["2", "3"], ["1"], ["3", "5"], ["3", "6"], ["1", "7"], ["4", "8"], ["9"],
                ["6", "7", "8"], ["4", "7"], ["4", "9"], ["3", "7", "10"], ["3", "7", "10"], ["3", "6", "12"],
                ["8", "14", "15", "16"], ["2", "3", "17"], ["1", "16"], ["1", "19"],
                ["7", "8", "9", "10", "11", "12", "14", "15", "16", "17", "18"], ["21"], ["22"], ["23"]]

FERHENG_PRIO = ["high", "high", "high", "high", "high", "high", "medium", "medium", "high", "medium", "high",
                "medium", "medium", "medium", "low", "medium", "medium", "medium", "high", "low", "high", "high",
                "high", "medium"]

FERHENG_DESC = [
    "Keep the popup fast on large word lists.",
    "Make the behaviour match what the settings page shows.",
    "Store everything locally so lookups work offline.",
    "Cover both dialects in every result list.",
    "Follow the layout rules of the shared surface components.",
    "Keep the background worker free of interface code.",
    "Handle missing or malformed entries without breaking the list.",
    "Give the user a clear message when something fails.",
    "Reuse the lookup service instead of querying storage directly.",
    "Make every control reachable from the keyboard.",
    "Keep results stable when the word list is reloaded.",
    "Respect the dialect chosen in settings for every result.",
]

FERHENG_DETAILS = [
    "Add a module under src/shared that exposes typed helpers for reading and writing chrome.storage.local.",
    "Parse the bundled word lists at build time and emit one JSON chunk per initial letter.",
    "Normalise input by removing diacritics before matching, so that plain ASCII input still finds entries.",
    "Use one message type per action between the popup and the background worker.",
    "Debounce search input by 150 ms and cancel the previous lookup when a new one starts.",
    "Render results in a virtual list so that ten thousand entries scroll smoothly.",
    "Show the headword, the dialect tag and the first two senses; the rest opens on click.",
    "Keep the selection popup within the viewport and close it on Escape or on a click outside.",
    "Use the offscreen document for audio so that playback survives the popup closing.",
    "Disable the play button while the audio file loads.",
    "Store favourites as an ordered array of entry ids and migrate the old object form on start-up.",
    "Set the dir attribute to rtl on right-to-left blocks only, so mixed lists keep their own direction.",
    "Map Latin letters to Arabic script with a table; ambiguous letters keep both forms.",
    "Write the export as JSON with a version field; import validates it before touching storage.",
    "Record lookups in a ring buffer of 200 entries and show them newest first.",
    "Move the shortcuts into the manifest commands section and show them on the settings page.",
    "Show a short hint with a link to switch dialect when a search has no result.",
    "Keep strings in _locales/en and _locales/ku and load them through chrome.i18n.",
    "Check colour contrast of the dark theme and add visible focus outlines.",
    "Sign the package in CI and attach the zip to the release, never from a laptop.",
    "Cache the last 50 lookups in memory and clear the cache when the word list changes.",
    "Add a daily alarm that picks one favourite and shows it in a notification.",
]

FERHENG_TEST = [
    "Run npm test and check the new unit tests for the parser pass.",
    "Load the unpacked extension in Chrome and confirm there are no errors in the service worker console.",
    "Search for a word in both dialects and compare the result with the source list.",
    "Double-click a word on a test page and check the popup position near every edge of the window.",
    "Reload the word list while the popup is open and check that the result list does not jump.",
    "Switch the interface to RTL and compare with the screenshots in docs/screenshots.",
    "Export favourites, clear storage, import the file and compare both lists.",
    "Use only the keyboard to reach every control in the popup and on the settings page.",
    "Run the verify:extension script; it must report no missing files.",
]

# The non-ASCII text of the board, each sentence placed once (see decorate): arrows, em dashes,
# typographic quotes, a middle dot, an ellipsis, a heart and the Kurdish letters i and u with
# circumflex, in about the numbers the modelled board has them.
FERHENG_EXTRAS = [
    ("details", "Message flow: popup → background → storage → popup."),
    ("details", "Search input → normalised key → chunk lookup."),
    ("details", "Settings → Dialects lists Kurmancî, Soranî and Zazakî."),
    ("description", "Kurmancî entries come first — they are the larger list."),
    ("details", "Menu order: Search · Favourites · Settings."),
    ("details", "Keep the old storage shape readable — users upgrade in place."),
    ("testStrategy", "Type “kurmanci” and expect “Kurmancî” first."),
    ("details", "Label the button “Play” and the toggle “Slow”."),
    ("description", "The headword Bûk must keep its û after normalisation."),
    ("details", "Favourites keep their ♥ badge in search results."),
    ("details", "The entry’s dialect tag stays visible in compact mode."),
    ("testStrategy", "Run the build — then the verify script."),
    ("details", "Typing in the box → results update; Enter → opens the first entry."),
    ("description", "Soranî entries use Arabic script — render them right to left."),
    ("details", "Tab → next result, Shift+Tab → previous result."),
    ("testStrategy", "Compare Kurmancî and Soranî results side by side."),
    ("details", "Import → validate → merge; a bad file changes nothing — it is rejected whole."),
    ("description", "Zazakî and Hewramî stay out of scope for now."),
    ("details", "Audio → offscreen document → speaker, so the popup can close."),
    ("details", "Headwords are sorted by the Kurmancî alphabet — not by code point."),
    ("testStrategy", "Check the “Nothing found” hint — with the dialect link."),
    ("details", "Notification click → popup opens on the entry."),
    ("description", "One list for both dialects — with a tag per entry."),
    ("details", "Shortcut Alt+K → lookup of the selected word — works on every page."),
    ("details", "Export file name: ferheng-favourites → with the date appended."),
    ("testStrategy", "Soranî: check the RTL layout on a narrow popup — no clipping."),
    ("details", "Release: tag → CI build → signed zip → store upload — in that order."),
    ("description", "Keep the status line short — one sentence at most."),
    ("details", "Entries without a sense get the note “no definition yet” — never an empty box."),
    ("details", "Quiz mode: favourite → question → answer."),
    ("details", "Usage notes open with “More…” — closed by default."),
    ("description", "Keep the history private — it never leaves the browser."),
    ("details", "Footer: version · word list date."),
    ("testStrategy", "Check the Hewramî sample file is skipped — with a log line."),
    ("description", "Audio is optional — the lookup works without it."),
    ("testStrategy", "The empty list shows “No favourites yet”."),
]
# The spread of FERHENG_EXTRAS: task or subtask n of the board (in file order) gets extra n * STEP.
FERHENG_STEP = 3


def decorate(items, extras, step):
    """Appends extras[k] to the named field of items[k * step], so the non-ASCII text is spread evenly."""
    for k, (field, sentence) in enumerate(extras):
        item = items[(k * step) % len(items)]
        item[field] = item[field] + " " + sentence


FERHENG_SUB_TITLES = [
    "Create the folder layout for background, popup, settings and shared code",
    "Write the manifest with storage, alarms and offscreen permissions",
    "Configure Vite with one entry point per extension page",
    "Add minimal entry files that log on start",
    "Add the build and verify scripts to package.json",
    "Define the entry, sense and dialect types",
    "Add typed storage helpers with default values",
    "Add a schema version and the first migration",
    "Cover the storage helpers with unit tests",
    "Document the storage keys in docs/development.md",
    "Convert the source spreadsheets into JSON chunks",
    "Normalise headwords and strip stray whitespace",
    "Tag each entry with its dialect",
    "Drop duplicate entries and log how many were removed",
    "Check the chunk sizes stay below the bundle limit",
]

FERHENG_SUB_TAIL = [
    "Split the dialect switcher into its own component",
    "Show mixed-dialect results with a small dialect tag",
    "Remember the last dialect per tab",
    "Add the example sentence block under each sense",
    "Highlight the looked-up word inside the example",
    "Add usage notes behind a toggle",
    "Build quiz questions from the favourites list",
    "Score answers and keep the best streak",
    "Add the word-of-the-day alarm",
    "Open the entry when the notification is clicked",
    "Respect the notification setting and quiet hours",
    "Update the store listing screenshots",
    "Run the full verify and release checklist",
]

# Subtask dependency lists per parent task, as in the modelled board: mostly none, some chains, and
# one long list each in tasks 21 and 22 (Task Master keeps whatever the model proposed).
FERHENG_SUB_DEPS = {
    1: [[], [1], [1, 2], [1, 3], [1, 2, 3, 4]],
    2: [[], [1], [1], [], [1, 2, 3, 4]],
    3: [[], [1], [2], [3], [4]],
    21: [[], [1], [1], [], [], [], [], [], [], [], [1, 2], [], list(range(1, 13))],
    22: [[], [], [2], [2, 3], [], [], [], [2], [2, 8], [6], [2, 4], list(range(3, 12))],
    23: [[], [], [], [], [], [5], [], [], [], [1], [], []],
    24: [[]] * 13,
}
FERHENG_DONE_IN_24 = {1, 2}


def ferheng():
    rng = random.Random(1731)
    tasks = []
    clock = [0]

    def stamp():
        clock[0] += 1
        return iso_ms(rng, "2026-05-%02d" % (10 + clock[0] // 9), 8 + clock[0] % 12)

    sub_title_iter = iter(FERHENG_SUB_TITLES + FERHENG_SUB_TAIL * 4)
    in_file_order = []
    for i in range(1, 25):
        t = {
            "id": str(i),
            "title": FERHENG_TITLES[i - 1],
            "description": compose(rng, FERHENG_DESC, rng.choice([50, 70, 90, 120, 160])),
            "details": compose(rng, FERHENG_DETAILS, rng.choice([150, 230, 280, 340])),
            "testStrategy": compose(rng, FERHENG_TEST, rng.choice([60, 100, 130, 180])),
            "priority": FERHENG_PRIO[i - 1],
            "dependencies": FERHENG_DEPS[i - 1],
            "status": "in-progress" if i == 24 else "done",
            "subtasks": [],
        }
        in_file_order.append(t)
        for k, deps in enumerate(FERHENG_SUB_DEPS.get(i, []), 1):
            done = i != 24 or k in FERHENG_DONE_IN_24
            t["subtasks"].append({
                "id": k,
                "title": next(sub_title_iter),
                "description": compose(rng, FERHENG_DESC, rng.choice([50, 60, 80])),
                "dependencies": deps,
                "details": compose(rng, FERHENG_DETAILS, rng.choice([120, 180, 230])),
                "status": "done" if done else "pending",
                "testStrategy": compose(rng, FERHENG_TEST, rng.choice([30, 50, 60])),
                "parentId": "undefined",
                "updatedAt": stamp(),
            })
            in_file_order.append(t["subtasks"][-1])
        if i <= 10 or i >= 21:
            t["updatedAt"] = stamp()
        tasks.append(t)
    decorate(in_file_order, FERHENG_EXTRAS, FERHENG_STEP)
    meta = {
        "version": "1.0.0",
        "lastModified": tasks[-1]["updatedAt"],
        "taskCount": 24,
        "completedCount": 23,
        "tags": ["master"],
    }
    return stringify({"master": {"tasks": tasks, "metadata": meta}})


ONGGI_TASKS = [
    ("Project setup and dependencies", "Create the Next.js app with the libraries the fermentation tracker needs",
     "high", [], "done"),
    ("Recipe data model", "Define recipes, batches and ingredients for 김치, 된장 and 고추장 batches",
     "high", ["1"], "done"),
    ("Batch creation flow", "Let the user start a batch from a recipe and a jar size",
     "high", ["2"], "done"),
    ("Fermentation timeline", "Show each batch as a timeline of 발효 stages with expected dates",
     "medium", ["3"], "done"),
    ("Temperature log", "Record the storage temperature of each batch and warn when it drifts",
     "medium", ["2"], "done"),
    ("Reminders", "Remind the user to taste, stir or move a batch to cold storage",
     "medium", ["5"], "done"),
    ("Recipe scaling", "Scale a recipe to the jar size, keeping the salt ratio of the 절임 step",
     "medium", ["4", "5"], "done"),
    ("Tasting notes", "Let the user rate each tasting and attach a photo",
     "medium", ["4"], "pending"),
    ("Sharing batches", "Share a batch timeline as a read-only link",
     "medium", ["8", "5"], "pending"),
    ("Photo ripeness hint", "Guess the ripeness of 배추 김치 from a photo of the jar",
     "low", ["5"], "pending"),
]

ONGGI_DETAILS = [
    "Use the App Router with TypeScript and Tailwind CSS, and keep server code under app/api.",
    "Store recipes as JSON with a list of ingredients and a list of stages.",
    "Each stage has a name and a duration range in days.",
    "Add lib/fermentation.ts with pure functions that compute the expected date of each stage from the start date and the temperature log.",
    "Use zustand for the client state of the open batch and persist drafts in localStorage until they are saved.",
    "Write the reminder schedule to the database and send push notifications from a scheduled route.",
    "Render the timeline with recharts, one colour per stage, with today marked by a vertical line.",
    "Validate every form with zod and show the error next to the field that caused it.",
    "Add components/batch/batch-card.tsx and components/batch/stage-list.tsx and reuse them on the share page.",
    "Photos are resized on the client to 1024px before upload to keep storage small.",
    "Keep all weights in grams internally and convert only for display.",
    "Load recipes on the server and pass them to the client as plain props.",
]

ONGGI_TEST = [
    "Create a batch from each sample recipe and check the stage dates against a hand-calculated table.",
    "Enter a temperature series above and below the target and check the warnings and the adjusted dates.",
    "Run the unit tests for lib/fermentation.ts and the form validation.",
    "Open the app on a phone-sized viewport and walk through the batch flow end to end.",
    "Share a batch and open the link in a private window; it must be read-only.",
    "Check that the build passes type checking with no warnings.",
]

# The Hangul of the board (and its one degree sign), each sentence placed once (see decorate).
ONGGI_EXTRAS = [
    ("details", "Ingredients use their Korean names next to the English ones: 배추 (napa cabbage), 무 (radish), 고춧가루 (chili flakes), 젓갈 (salted seafood), 마늘 (garlic)."),
    ("details", "Stages are 절임 (salting), 양념 (seasoning), 실온 숙성 (room-temperature aging) and 냉장 숙성 (cold aging)."),
    ("testStrategy", "Check that searching for 된장 and for doenjang returns the same recipe."),
    ("details", "Batches kept above 20°C ripen faster: shorten the 실온 숙성 stage by the measured difference."),
    ("description", "Cover 간장 and 고추장 too."),
    ("details", "Search matches both 된장 and doenjang, 고추장 and gochujang, 간장 and ganjang."),
    ("details", "The recipe list starts with 김치, 깍두기, 동치미 and 물김치."),
    ("testStrategy", "Create a 깍두기 batch and a 동치미 batch and compare their timelines."),
    ("details", "A 옹기 jar breathes, so batches in 옹기 get a slower 발효 curve than glass jars."),
    ("details", "Show 묵은지 (aged kimchi) as its own stage once a batch passes 90 days."),
    ("details", "The 장독대 view groups jars by where they stand."),
    ("description", "Start with 배추 김치 and 깍두기."),
    ("details", "Salt ratio of the 절임 step: 소금 weight over 배추 weight, shown as a percentage."),
    ("testStrategy", "Enter 고춧가루 and 소금 amounts and check the scaled 양념 weights."),
    ("details", "겉절이 (fresh kimchi) skips 실온 숙성 entirely."),
    ("details", "총각김치 and 깍두기 share the radish cutting guide."),
    ("details", "Label each chart band with the stage name in Hangul: 절임, 양념, 숙성."),
    ("details", "The seasoning paste (양념) is weighed once and split across jars."),
    ("testStrategy", "Check the 묵은지 stage appears after day 90."),
    ("details", "Photos of 배추 김치 are resized before upload."),
    ("details", "Default recipes: 배추 김치, 깍두기, 된장, 고추장."),
    ("details", "Timeline colours: 절임 blue, 양념 red, 숙성 amber, 냉장 teal."),
    ("testStrategy", "Open the 장독대 view with no jars."),
    ("details", "The 간장 recipe tracks the 메주 (fermented soybean block) soaking days."),
    ("details", "Korean and English names are both indexed (김치 kimchi, 된장 doenjang)."),
    ("details", "Reminders say what to do in Korean and English: 뒤집기 (turn), 맛보기 (taste), 옮기기 (move)."),
    ("details", "Brine for 동치미 and 물김치 uses the same calculator."),
    ("details", "Stage names come from the recipe: 절임, 양념, 숙성."),
]

ONGGI_SUBS = [
    ("Create the Next.js project with TypeScript", "Start the app with the App Router, TypeScript and strict mode"),
    ("Install Tailwind CSS with the stage colours", "Set up Tailwind with one colour per 발효 stage and dark mode"),
    ("Add the data and state libraries", "Install zustand, zod and the database client and wire their providers"),
    ("Add the chart and icon libraries", "Install recharts and the icon set used on the timeline"),
    ("Write the environment template", "Create .env.example with every variable the app reads and a short note each"),
]


def onggi():
    rng = random.Random(4242)
    tasks = []
    in_file_order = []
    for i, (title, desc, prio, deps, status) in enumerate(ONGGI_TASKS, 1):
        t = {
            "id": str(i),
            "title": title,
            "description": desc,
            "details": compose(rng, ONGGI_DETAILS, rng.choice([380, 440, 500])),
            "testStrategy": compose(rng, ONGGI_TEST, rng.choice([150, 190, 220])),
            "priority": prio,
            "dependencies": deps,
            "status": status,
            "subtasks": [],
        }
        in_file_order.append(t)
        if i == 1:
            for k, (st, sd) in enumerate(ONGGI_SUBS, 1):
                t["subtasks"].append({
                    "id": k,
                    "title": st,
                    "description": sd,
                    "dependencies": [] if k == 1 else [k - 1 if k != 3 else 1],
                    "details": compose(rng, ONGGI_DETAILS, rng.choice([160, 200, 240])),
                    "status": "pending",
                    "testStrategy": compose(rng, ONGGI_TEST, rng.choice([100, 130, 160])),
                    "parentId": "undefined",
                })
                in_file_order.append(t["subtasks"][-1])
        if status == "done":
            t["updatedAt"] = iso_ms(rng, "2025-11-%02d" % (10 + i), 9 + i)
        tasks.append(t)
    decorate(in_file_order, ONGGI_EXTRAS, 4)
    meta = {
        "version": "1.0.0",
        "lastModified": "2025-11-17T16:40:12.305Z",
        "taskCount": 10,
        "completedCount": 7,
        "tags": ["master"],
    }
    return stringify({"master": {"tasks": tasks, "metadata": meta}})


# --------------------------------------------------------------------------------------------------
# boards/phased/phased-8x107.tasks.json: {"phases": [{..., "tasks": [...]}, ...]}, 8 phases, 107 tasks.

PHASES = [
    ("Foundations", "done", 9, ["Task-Coder", "Architecturer"]),
    ("Board format", "done", 14, ["Task-Coder", "Tester", "Code-Reviewer"]),
    ("Runbook engine", "done", 17, ["Task-Coder", "Tester", "Code-Reviewer"]),
    ("Staging deploys", "in_progress", 15, ["DevOps-Engineer", "Task-Coder", "Tester"]),
    ("Production deploys", "pending", 16, ["DevOps-Engineer", "Tester", "Code-Reviewer"]),
    ("Rollback and recovery", "pending", 13, ["DevOps-Engineer", "Task-Coder"]),
    ("Observability", "pending", 12, ["DevOps-Engineer", "Task-Coder", "UI-Tester"]),
    ("Release", "pending", 11, ["DevOps-Engineer", "Product-Owner", "Cleaner"]),
]

SUBJECTS = ["health check endpoint", "config loader", "secrets lookup", "deploy script", "smoke test suite",
            "database migration step", "cache warm-up", "feature flag defaults", "log shipping", "alert rules",
            "status page entry", "container image build", "artifact signing", "rollback script", "load balancer drain",
            "dashboard panels", "release notes", "on-call handbook", "backup restore drill", "rate limiter"]
VERBS = ["Add", "Wire up", "Harden", "Document", "Test", "Automate", "Review", "Split", "Measure", "Clean up"]
TYPES = {
    "Task-Coder": ["feature_development", "refactoring", "bug_fix"],
    "Architecturer": ["architecture_review"],
    "Tester": ["test_integration", "test_unit"],
    "Code-Reviewer": ["code_review"],
    "UI-Tester": ["ui_test"],
    "Product-Owner": ["documentation"],
    "Cleaner": ["cleanup"],
    "DevOps-Engineer": ["deployment_staging", "deployment_production", "infrastructure_update", "monitoring_setup"],
}
CRITERIA = ["The change is covered by a test that fails without it",
            "The runbook section names every command it runs",
            "A failed step leaves the previous version serving",
            "The log line says which environment was touched",
            "Nothing outside the listed files changes",
            "The dashboard shows the new metric within a minute",
            "The README explains how to run it locally"]


def phased():
    rng = random.Random(107)
    phases = []
    n = 0
    prev_ids = []
    for p, (name, status, count, agents) in enumerate(PHASES, 1):
        tasks = []
        for _ in range(count):
            n += 1
            agent = agents[(n + p) % len(agents)]
            typ = TYPES[agent][n % len(TYPES[agent])]
            subject = SUBJECTS[(n * 7 + p) % len(SUBJECTS)]
            verb = VERBS[(n * 3) % len(VERBS)]
            tstatus = status if status != "in_progress" else rng.choice(["done", "in_progress", "pending"])
            deps = rng.sample(prev_ids, min(len(prev_ids), rng.choice([0, 0, 1, 1, 2, 3])))
            task = {
                "id": "T-%03d" % n,
                "title": "%s the %s" % (verb, subject),
                "status": tstatus,
                "agent": agent,
                "type": typ,
                "priority": rng.choice(["low", "medium", "medium", "high", "high", "urgent"]),
                "depends_on": sorted(deps),
                "payload": {
                    "description": "%s the %s for the %s phase and record what changed in the task result." % (
                        verb, subject, name.lower()),
                    "acceptance_criteria": rng.sample(CRITERIA, rng.choice([1, 2, 3])),
                },
            }
            if tstatus == "done":
                task["result"] = {
                    "message": "%s: %s finished" % (task["id"], subject),
                    "artifacts": ["docs/%s.md" % subject.replace(" ", "-")],
                }
            tasks.append(task)
        prev_ids = [t["id"] for t in tasks]
        phases.append({"id": "phase-%d" % p, "name": name, "status": status, "tasks": tasks})
    assert n == 107
    return stringify({"phases": phases}) + "\n"


# --------------------------------------------------------------------------------------------------
# seed/: the team's per-task layout (.plan/tasks/index.json + .plan/tasks/<task_id>.json) and
# human-requests.md, as the hand-written demo has them and as the team's own writers leave them.

DEMO_TASKS = [
    ("T-DEMO-1", "Read deploy targets from the per-task board", "pending", "Task-Coder", "feature_dashboard", "high",
     "Change the deploy view to list tasks from .plan/tasks/index.json and open the per-task file on click. Keep the old board as a fallback.",
     ["Deploy view lists tasks from the index", "Clicking a task shows its per-task file", "Old tasks.json boards still load"],
     ["dashboard/server/index.js"], "First demo task"),
    ("T-DEMO-2", "Archive finished per-task files", "implementation_done", "Code-Reviewer", "maintenance_cleaner", "medium",
     "Move per-task files of tasks that have been done for 14 days into .plan/tasks/archive/ and drop them from the index.",
     ["Archived files leave the index", "Archive keeps the file name", "Nothing pending is archived"],
     ["scripts/archive-tasks.js"], "Ready for review"),
    ("T-DEMO-3", "Add a smoke test for the deploy view", "pending", "Tester", "test_ui_smoke", "low",
     "Write a browser smoke test that opens the deploy view with the demo tasks and checks the columns.",
     ["Deploy view shows the three demo tasks", "Status and agent columns are visible", "A changed task file shows up without a reload"],
     ["tests/ui/deploy_view_smoke.spec.ts"], "Describe the smoke test"),
]


def seed_demo():
    stamp = "2025-09-15T08:30:00Z"
    index = []
    for (tid, title, status, agent, typ, prio, desc, criteria, artifacts, message) in DEMO_TASKS:
        index.append({"task_id": tid, "title": title, "status": status, "agent": agent, "type": typ,
                      "priority": prio, "updated_at": stamp})
        task = {
            "task_id": tid,
            "title": title,
            "status": status,
            "agent": agent,
            "payload": {"type": typ, "description": desc, "acceptance_criteria": criteria, "priority": prio},
            "result": {"artifacts": artifacts, "message": message},
            "updated_at": stamp,
        }
        write(SEED / ".demo/.plan/tasks" / (tid + ".json"), stringify(task) + "\n")
    write(SEED / ".demo/.plan/tasks/index.json", stringify(index) + "\n")
    write(SEED / ".demo/.plan/human-requests.md", demo_requests())
    write(SEED / ".templates/.plan/human-requests.md.template", TEMPLATE)


TEMPLATE = """# Human Requests

## 🔄 Pending Requests
<!-- New requests go here, each as a "### REQ-XXXX: Title" section -->

## 🚀 In Progress
<!-- Requests someone is working on -->

## ✅ Resolved
<!-- Requests that are answered or done -->
"""

DEMO_REQUESTS = [
    ("pending", "REQ-2001", "Allow pausing a deploy between phases", "Feature Request", "HIGH",
     "Let a human pause a running deploy after verify and resume it later from the dashboard.",
     "Needed before the first production rollout."),
    ("pending", "REQ-2002", "Clarify which environment counts as staging", "Agent Clarification", "MEDIUM",
     "Should the preview cluster count as staging for the deployment_staging task type?",
     "Two runbook sections disagree."),
    ("pending", "REQ-2003", "Deploy view crashes on an empty index", "Bug Report", "HIGH",
     "Opening the deploy view with an empty tasks/index.json shows a blank page instead of an empty list.",
     "Seen on a freshly initialised project."),
    ("in_progress", "REQ-2004", "Filter requests by environment", "Feature Request", "MEDIUM",
     "Add a filter that shows only requests about staging or only about production.",
     "Makes the morning review shorter."),
    ("in_progress", "REQ-2005", "Where are deploy credentials read from?", "Agent Clarification", "LOW",
     "Which file or variable should the DevOps-Engineer read the registry credentials from?",
     "Needed for the demo project."),
    ("in_progress", "REQ-2006", "Rollback leaves the old container running", "Bug Report", "URGENT",
     "After a rollback the replaced container keeps running until someone stops it by hand.",
     "Seen twice on staging."),
    ("resolved", "REQ-2007", "Tolerate missing sections in this file", "Bug Report", "MEDIUM",
     "Reading this file failed when one of the three sections was missing.",
     "Fixed by treating a missing section as empty."),
    ("resolved", "REQ-2008", "Explain demo mode in the README", "Feature Request", "LOW",
     "Say that demo mode reads .demo/.plan and real mode reads .plan.",
     "New users mixed the two up."),
    ("resolved", "REQ-2009", "Show which phase a deploy is in", "Feature Request", "MEDIUM",
     "Show pre, deploy, verify or rollback next to each running deploy.",
     "Makes long deploys easier to follow."),
]


def request_block(rid, title, rtype, prio, requester, date, desc, context, status, after_heading="\n"):
    """The entry layout of the dashboard's generateRequestMarkdown (HumanRequests.js): a blank line
    after the heading. The hand-written demo file has none (after_heading="")."""
    return ("### %s: %s\n%s**Type:** %s\n**Priority:** %s\n**Requester:** %s\n**Date:** %s\n\n"
            "**Description:**\n%s\n\n**Context:**\n%s\n\n**Status:** %s\n\n---\n") % (
        rid, title, after_heading, rtype, prio, requester, date, desc, context, status)


def demo_requests():
    heads = {"pending": "## 🔄 Pending Requests", "in_progress": "## 🚀 In Progress", "resolved": "## ✅ Resolved"}
    out = "# Human Requests – Deploy Desk\n"
    for section in ("pending", "in_progress", "resolved"):
        out += "\n" + heads[section] + "\n"
        for (s, rid, title, rtype, prio, desc, context) in DEMO_REQUESTS:
            if s == section:
                out += "\n" + request_block(rid, title, rtype, prio, "Human", "2025-09-15", desc, context, s, "")
    return out


def add_request(content, block, section):
    """addRequestToMarkdown (HumanRequests.js): insert before the next "##" after the section header."""
    header = {"pending": "🔄 Pending Requests", "in_progress": "🚀 In Progress", "resolved": "✅ Resolved"}[section]
    at = content.find(header)
    if at == -1:
        return content + "\n\n## %s\n\n%s" % (header, block)
    nxt = content.find("##", at + len(header))
    at = len(content) if nxt == -1 else nxt
    return content[:at] + "\n" + block + "\n" + content[at:]


def update_request(content, rid, block, section):
    """updateRequestInMarkdown: cut from "### id:" to the first "---" after it, then add to section."""
    start = content.find("### %s:" % rid)
    end = content.find("---", start) + 3
    return add_request(content[:start] + content[end:], block, section)


def clarify(content, task_id, title, stamp_ms, date):
    """The BLOCKED-task clarification of Tasks.js: inserted right after the pending header."""
    block = "\n".join(["", "### HR-%d: Clarification needed for %s" % (stamp_ms, title),
                       "**Type:** Agent Clarification", "**Priority:** MEDIUM", "**Requester:** System",
                       "**Date:** " + date, "", "**Description:**",
                       "Task %s was marked as BLOCKED. Please provide missing info or guidance to unblock." % task_id,
                       "", "**Linked Task:**", task_id, "", "**Status:** pending", "", "---", ""])
    head = "## 🔄 Pending Requests"
    if head in content:
        return content.replace(head, head + "\n" + block, 1)
    return content + "\n" + head + "\n" + block


def seed_real():
    """.plan/ after the team's tools have run: migrate-tasks.js, then the dashboard's writeTaskById."""
    plan = SEED / ".plan"
    legacy = [
        {"task_id": "T-101", "type": "deployment_staging", "status": "done", "agent": "DevOps-Engineer",
         "priority": "high", "payload": {"title": "Deploy build 41 to staging",
                                         "description": "Run the staging section of deployment.md for build 41."},
         "result": {"message": "Deployed and verified", "environment": "staging"}},
        {"task_id": "T-102", "type": "deployment_production", "status": "pending", "agent": "DevOps-Engineer",
         "priority": "high", "depends_on": ["T-101"],
         "payload": {"title": "Deploy build 41 to production",
                     "description": "Run the production section of deployment.md for build 41 after sign-off."}},
        {"task_id": "T-103", "type": "bug_fix", "status": "blocked", "agent": "Task-Coder",
         "payload": {"description": "The health check answers 200 before the database pool is ready, so verify passes too early and the first requests fail."}},
    ]
    now_iso = "2025-09-20T07:00:00.000Z"
    index = {}
    for t in legacy:  # scripts/migrate-tasks.js
        task_id = t["task_id"]
        data = dict(t)
        data["task_id"] = task_id
        write(plan / "tasks" / (task_id + ".json"), stringify(data))
        p = data.get("payload") or {}
        index[task_id] = {
            "task_id": task_id,
            "title": data.get("title") or p.get("title") or (p.get("description") or "")[:80] or task_id,
            "status": data.get("status") or "backlog",
            "agent": data.get("agent"),
            "type": p.get("type") or data.get("type"),
            "priority": data.get("priority") or p.get("priority"),
            "updated_at": data.get("updated_at") or now_iso,
        }
    # dashboard/server/index.js writeTaskById: a new task, then a status change of T-102.
    new = {"task_id": "T-1758352000123", "title": "Rotate the registry credentials", "status": "pending",
           "agent": "DevOps-Engineer", "type": "infrastructure_update", "priority": "medium",
           "payload": {"description": "Replace the registry token that expires on 2025-10-01."}}
    for task, stamp in ((new, "2025-09-20T07:06:40.123Z"),
                        (dict(legacy[1], status="in_progress"), "2025-09-20T07:12:03.481Z")):
        write(plan / "tasks" / (task["task_id"] + ".json"), stringify(task))
        meta = {"task_id": task["task_id"], "title": task.get("title") or task.get("name") or "",
                "status": task.get("status") or "pending", "agent": task.get("agent") or "", "updated_at": stamp}
        index[task["task_id"]] = {**index.get(task["task_id"], {}), **meta}
    write(plan / "tasks/index.json", stringify(list(index.values())))

    # human-requests.md: the template, two requests from the dashboard form, one moved to
    # resolved, and the clarification the board view adds when T-103 is dropped on BLOCKED.
    content = TEMPLATE
    first = ("REQ-1758352811042", "Approve the production window for build 41", "Strategic Request", "HIGH",
             "Human", "2025-09-20", "Production deploys need a window; is Tuesday 06:00 UTC fine?",
             "T-102 waits for it.")
    desc = "Staging verify fails on the first request after a deploy; a second try passes."
    # A form left without a title gets the first 50 characters of the description and "...".
    second = ("REQ-1758352925307", desc[:50] + "...", "Bug Report", "MEDIUM", "Human", "2025-09-20", desc,
              "Seen on build 40 and 41.")
    content = add_request(content, request_block(*first, "pending"), "pending")
    content = add_request(content, request_block(*second, "pending"), "pending")
    content = update_request(content, second[0], request_block(*second, "resolved"), "resolved")
    content = clarify(content, "T-103", "The health check answers 200 before the database pool is ready",
                      1758353100456, "2025-09-20")
    write(plan / "human-requests.md", content)


def main():
    write(BOARDS / "kombiz--CLI-Anything.plan.tasks.json", KOMBIZ)
    write(BOARDS / "StrMaster--master-agent-os.agent.tasks.json", strmaster())
    write(BOARDS / "btjc517--impactos-ai-agent.agents.tasks.json", btjc517())
    write(BOARDS / "claude-code-agents-demo.tasks.json", demo())
    write(BOARDS / "claude-code-agents-schema-examples.tasks.json", schema_examples())
    write(BOARDS / "0xdolan--tajdin.taskmaster.tasks.json", ferheng())
    write(BOARDS / "8bitGames--saju-hancom.taskmaster.tasks.json", onggi())
    write(BOARDS / "phased/phased-8x107.tasks.json", phased())
    seed_demo()
    seed_real()


if __name__ == "__main__":
    main()
