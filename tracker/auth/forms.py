"""Forms for signing in, passwords and user administration."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from tracker.auth.models import Role
from tracker.auth.passwords import MAX_LENGTH, password_problem
from tracker.forms import enum_choices, strip_text, whole_number


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[DataRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password"), Length(max=MAX_LENGTH)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """Choose a password: used for invitations, resets and changes."""

    password = PasswordField(
        "New password",
        description="Use 12 characters or more. Three random words make a strong password.",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Confirm your new password"),
            EqualTo("password", message="Passwords do not match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())

    def __init__(self, *args, user_inputs: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user_inputs = user_inputs or []

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", user_inputs=self.user_inputs)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your current password"), Length(max=MAX_LENGTH)],
    )


class UserForm(FlaskForm):
    """Invite a user or change their details."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the person's full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            DataRequired(message="Enter the person's email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        "Role",
        choices=enum_choices(Role),
        widget=GovRadioInput(),
        validators=[DataRequired(message="Select a role")],
    )
    # The version the editor started from: a stale save is refused, never merged.
    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_name(self, field: StringField) -> None:
        if field.data and any(ord(ch) < 32 for ch in field.data):
            raise ValidationError("Full name must not contain control characters")

    def role_value(self) -> Role:
        return Role(self.role.data)

    def version_number(self) -> int:
        """The version the editor loaded (0 when missing or tampered with: always stale)."""
        # What was posted, never the record's own version: a form built with obj=record
        # holds the record's (int) version when the field is missing from the request.
        number = whole_number((self.version.raw_data or [""])[0])
        return 0 if number is None else number


def user_inputs_for(user) -> list[str]:
    """Words a password must not be built from: the user's name and email."""
    if user is None:
        return []
    local_part = user.email.split("@")[0]
    squashed = "".join(ch for ch in f"{user.name}" if ch.isalnum())
    return [
        user.name,
        user.email,
        *user.name.split(),
        local_part,
        squashed,
        "".join(ch for ch in local_part if ch.isalnum()),
    ]


__all__ = [
    "ChangePasswordForm",
    "ForgotPasswordForm",
    "LoginForm",
    "NewPasswordForm",
    "UserForm",
    "user_inputs_for",
]
