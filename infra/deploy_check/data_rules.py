"""Rules that keep the leads when the operator errs: the database recovers to any minute of
the last week, refuses deletion (Google's delete protection, Terraform's ``prevent_destroy``,
``deletion_policy = "ABANDON"``), and is backed up on a schedule kept apart from it."""

from __future__ import annotations

import re
from typing import Any

DAY_S = 86_400
MIN_DAILY_S = 7 * DAY_S  # a week of daily backups, the most a daily schedule keeps
MIN_WEEKLY_S = 14 * 7 * DAY_S  # 14 weeks of weekly backups


def _seconds(value: Any) -> int:
    match = re.fullmatch(r"(\d+)s", str(value))
    return int(match.group(1)) if match else 0


def database_problems(tf: dict[str, Any]) -> list[str]:
    """Point-in-time recovery, delete protection and destroy guards on every database."""
    problems = []
    databases = tf["resource"].get("google_firestore_database", {})
    if not databases:
        return ["no Firestore database is declared"]
    for name, db in databases.items():
        if db.get("point_in_time_recovery_enablement") != "POINT_IN_TIME_RECOVERY_ENABLED":
            problems.append(f"database {name} has no point-in-time recovery")
        if db.get("delete_protection_state") != "DELETE_PROTECTION_ENABLED":
            problems.append(f"database {name} has no delete protection")
        if db.get("deletion_policy") != "ABANDON":
            problems.append(f"database {name}: terraform destroy would delete it")
        if not any(life.get("prevent_destroy") is True for life in db.get("lifecycle", [])):
            problems.append(f"database {name}: a plan may destroy it (no prevent_destroy)")
    return problems


def backup_problems(tf: dict[str, Any]) -> list[str]:
    """Each database has a daily backup kept a week and a weekly one kept 14 weeks."""
    problems = []
    schedules = tf["resource"].get("google_firestore_backup_schedule", {}).values()
    for name in tf["resource"].get("google_firestore_database", {}):
        mine = [s for s in schedules if f"google_firestore_database.{name}." in str(s)]
        daily = [s for s in mine if "daily_recurrence" in s]
        weekly = [s for s in mine if "weekly_recurrence" in s]
        if not any(_seconds(s.get("retention")) >= MIN_DAILY_S for s in daily):
            problems.append(f"database {name} has no daily backup kept {MIN_DAILY_S // DAY_S} days")
        if not any(_seconds(s.get("retention")) >= MIN_WEEKLY_S for s in weekly):
            problems.append(f"database {name} has no weekly backup kept 14 weeks")
    return problems


def all_data_problems(tf: dict[str, Any]) -> list[str]:
    """Every data-protection rule together."""
    return database_problems(tf) + backup_problems(tf)
