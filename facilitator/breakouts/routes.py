"""Planning a breakout round (preview, adjust, open) and the moderator's cockpit."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from facilitator.accounts.auth import login_required
from facilitator.breakouts import broadcasts, planning
from facilitator.breakouts import service as breakouts
from facilitator.breakouts.forms import RoundForm
from facilitator.breakouts.models import AssignmentMode
from facilitator.breakouts.roster import parse_roster
from facilitator.errors import N_, DomainError
from facilitator.extensions import db
from facilitator.meetings.access import own_meeting_or_404

bp = Blueprint("breakouts", __name__)


def _default_name(index: int) -> str:
    return _("Group %(number)s", number=index + 1)


def _plan_from_form(meeting, form: RoundForm) -> planning.RoundPlan:
    roster = None
    if form.mode.data == AssignmentMode.ROSTER:
        if not form.roster.data:
            raise planning.PlanError(N_("Choose the CSV file with the groups."))
        roster = parse_roster(form.roster.data.read())
    return planning.plan_round(
        meeting,
        mode=form.mode.data,
        question_ids=form.question_ids.data or [],
        groups=form.groups.data if form.sizing.data == "groups" else None,
        group_size=form.group_size.data if form.sizing.data == "size" else None,
        attribute=form.attribute.data,
        jigsaw=form.jigsaw.data,
        seed=form.seed.data,
        capacity=form.capacity.data,
        roster=roster,
        name_for=_default_name,
    )


def _plan_from_adjusted(meeting, form: RoundForm) -> planning.RoundPlan:
    """The preview as the moderator left it: names, members and questions of every group."""
    raw_count = request.form.get("group_count", "")
    count = int(raw_count) if raw_count.isdigit() else 0
    if not 1 <= count <= planning.MAX_GROUPS:
        raise planning.PlanError(N_("The preview is incomplete. Please preview again."))
    groups = [
        planning.PlannedGroup(
            name=request.form.get(f"group-{i}-name", "").strip()[:80] or _default_name(i),
            question_ids=[int(q) for q in request.form.getlist(f"group-{i}-questions") if q.isdigit()],
            capacity=form.capacity.data if form.mode.data == AssignmentMode.SELF_SELECT else None,
        )
        for i in range(count)
    ]
    valid_questions = {q.id for q in meeting.guiding_questions}
    for group in groups:
        if not group.question_ids or not set(group.question_ids) <= valid_questions:
            raise planning.PlanError(N_("Each group needs at least one guiding question."))
    for person in planning.participants_of(meeting):
        choice = request.form.get(f"member-{person.id}", "")
        if choice.isdigit() and int(choice) < count:
            groups[int(choice)].member_ids.append(person.id)
    return planning.RoundPlan(
        mode=form.mode.data,
        seed=form.seed.data or 0,
        groups=groups,
        settings={
            "attribute": form.attribute.data,
            "jigsaw": form.jigsaw.data,
            "capacity": form.capacity.data,
        },
    )


@bp.route("/meetings/<int:meeting_id>/breakouts/new", methods=["GET", "POST"])
@login_required
def plan(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    form = RoundForm.for_meeting(meeting)
    preview = None
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "open":
                round_ = breakouts.open_round(meeting, _plan_from_adjusted(meeting, form), form.minutes.data)
                db.session.commit()
                broadcasts.phase_changed(meeting)
                flash(_("Breakout round %(number)s is open.", number=round_.number), "success")
                return redirect(url_for("breakouts.cockpit", meeting_id=meeting.id))
            preview = _plan_from_form(meeting, form)
            # The page shows what was submitted; the seed drawn for this preview must show instead.
            form.seed.data = preview.seed
            form.seed.raw_data = [str(preview.seed)]
        except DomainError as error:
            db.session.rollback()
            flash(error.translated(), "error")
    elif form.errors:
        flash(_("Please check the fields marked below."), "error")
    people = {p.id: p for p in planning.participants_of(meeting)}
    running = breakouts.running_round(meeting)
    return render_template(
        "breakouts/plan.html",
        meeting=meeting,
        form=form,
        preview=preview,
        people=people,
        running=running,
        participant_code=planning.participant_code,
    ), 400 if form.errors else 200


@bp.get("/meetings/<int:meeting_id>/breakouts")
@login_required
def cockpit(meeting_id: int):
    meeting = own_meeting_or_404(meeting_id)
    return render_template("breakouts/cockpit.html", meeting=meeting)
