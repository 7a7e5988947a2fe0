"""Contains all the data models used in inputs/outputs"""

from .accept_invitation_request import AcceptInvitationRequest
from .access_token import AccessToken
from .account import Account
from .account_record import AccountRecord
from .activation import Activation
from .activation_answer import ActivationAnswer
from .add_member_request import AddMemberRequest
from .admin_list_outbox_status import AdminListOutboxStatus
from .api_key import ApiKey
from .api_key_page import ApiKeyPage
from .audit_event import AuditEvent
from .audit_event_details_type_0 import AuditEventDetailsType0
from .audit_event_page import AuditEventPage
from .bind_token_request import BindTokenRequest
from .callback import Callback
from .change_email_request import ChangeEmailRequest
from .change_password_request import ChangePasswordRequest
from .channel import Channel
from .code_confirmation import CodeConfirmation
from .confirmation_code_request import ConfirmationCodeRequest
from .create_api_key_request import CreateApiKeyRequest
from .current_session_response import CurrentSessionResponse
from .deliver_code_request import DeliverCodeRequest
from .device_info import DeviceInfo
from .disabled_by import DisabledBy
from .domain import Domain
from .domain_list import DomainList
from .domain_request import DomainRequest
from .email_proof import EmailProof
from .email_verified import EmailVerified
from .enrollment import Enrollment
from .factor import Factor
from .factor_summary import FactorSummary
from .factor_type import FactorType
from .field_error import FieldError
from .forgot_password_request import ForgotPasswordRequest
from .free_token import FreeToken
from .free_token_page import FreeTokenPage
from .hardware_token import HardwareToken
from .hardware_token_page import HardwareTokenPage
from .health import Health
from .holder import Holder
from .imported import Imported
from .introspected_token_type import IntrospectedTokenType
from .introspection import Introspection
from .introspection_request import IntrospectionRequest
from .invitation import Invitation
from .invitation_joined import InvitationJoined
from .invitation_page import InvitationPage
from .invitation_request import InvitationRequest
from .issued_api_key import IssuedApiKey
from .joined import Joined
from .jwks import Jwks
from .list_org_members_mfa_status import ListOrgMembersMfaStatus
from .location import Location
from .login_authenticated import LoginAuthenticated
from .login_challenge import LoginChallenge
from .login_email_verification_required import LoginEmailVerificationRequired
from .login_event import LoginEvent
from .login_event_page import LoginEventPage
from .login_mfa_enrollment_required import LoginMfaEnrollmentRequired
from .login_mfa_required import LoginMfaRequired
from .login_request import LoginRequest
from .login_sso_required import LoginSsoRequired
from .managed_by import ManagedBy
from .me import Me
from .member import Member
from .member_mfa import MemberMfa
from .member_page import MemberPage
from .member_requirement_request import MemberRequirementRequest
from .membership import Membership
from .membership_page import MembershipPage
from .mfa_status import MfaStatus
from .notification_preferences import NotificationPreferences
from .org import Org
from .org_request import OrgRequest
from .outbox_entry import OutboxEntry
from .outbox_page import OutboxPage
from .password_confirmation import PasswordConfirmation
from .phone_enrolment_request import PhoneEnrolmentRequest
from .problem import Problem
from .public_jwk import PublicJwk
from .recovery_code_summary import RecoveryCodeSummary
from .recovery_codes import RecoveryCodes
from .register_token_request import RegisterTokenRequest
from .reset_mfa_request import ResetMfaRequest
from .reset_password_request import ResetPasswordRequest
from .revoked_sessions import RevokedSessions
from .role import Role
from .role_request import RoleRequest
from .rotate_api_key_request import RotateApiKeyRequest
from .scope import Scope
from .second_factor import SecondFactor
from .sent_code import SentCode
from .sent_code_enrolment import SentCodeEnrolment
from .session import Session
from .session_list_item import SessionListItem
from .session_page import SessionPage
from .sign_up_request import SignUpRequest
from .sign_up_response import SignUpResponse
from .sso_callback_request import SsoCallbackRequest
from .sso_exchange_request import SsoExchangeRequest
from .sso_identity import SsoIdentity
from .sso_identity_page import SsoIdentityPage
from .sso_link_request import SsoLinkRequest
from .sso_mfa import SsoMfa
from .sso_settings import SsoSettings
from .sso_settings_request import SsoSettingsRequest
from .sso_start_request import SsoStartRequest
from .sso_started import SsoStarted
from .sso_unlink_request import SsoUnlinkRequest
from .status import Status
from .step_up_request import StepUpRequest
from .totp_enrolment import TotpEnrolment
from .txt_record import TxtRecord
from .unused_recovery_codes import UnusedRecoveryCodes
from .update_org_request import UpdateOrgRequest
from .update_profile_request import UpdateProfileRequest
from .verification_request import VerificationRequest
from .verification_sent import VerificationSent
from .verify_challenge_request import VerifyChallengeRequest
from .whatsapp_verification import WhatsappVerification

__all__ = (
    "AcceptInvitationRequest",
    "AccessToken",
    "Account",
    "AccountRecord",
    "Activation",
    "ActivationAnswer",
    "AddMemberRequest",
    "AdminListOutboxStatus",
    "ApiKey",
    "ApiKeyPage",
    "AuditEvent",
    "AuditEventDetailsType0",
    "AuditEventPage",
    "BindTokenRequest",
    "Callback",
    "ChangeEmailRequest",
    "ChangePasswordRequest",
    "Channel",
    "CodeConfirmation",
    "ConfirmationCodeRequest",
    "CreateApiKeyRequest",
    "CurrentSessionResponse",
    "DeliverCodeRequest",
    "DeviceInfo",
    "DisabledBy",
    "Domain",
    "DomainList",
    "DomainRequest",
    "EmailProof",
    "EmailVerified",
    "Enrollment",
    "Factor",
    "FactorSummary",
    "FactorType",
    "FieldError",
    "ForgotPasswordRequest",
    "FreeToken",
    "FreeTokenPage",
    "HardwareToken",
    "HardwareTokenPage",
    "Health",
    "Holder",
    "Imported",
    "IntrospectedTokenType",
    "Introspection",
    "IntrospectionRequest",
    "Invitation",
    "InvitationJoined",
    "InvitationPage",
    "InvitationRequest",
    "IssuedApiKey",
    "Joined",
    "Jwks",
    "ListOrgMembersMfaStatus",
    "Location",
    "LoginAuthenticated",
    "LoginChallenge",
    "LoginEmailVerificationRequired",
    "LoginEvent",
    "LoginEventPage",
    "LoginMfaEnrollmentRequired",
    "LoginMfaRequired",
    "LoginRequest",
    "LoginSsoRequired",
    "ManagedBy",
    "Me",
    "Member",
    "MemberMfa",
    "MemberPage",
    "MemberRequirementRequest",
    "Membership",
    "MembershipPage",
    "MfaStatus",
    "NotificationPreferences",
    "Org",
    "OrgRequest",
    "OutboxEntry",
    "OutboxPage",
    "PasswordConfirmation",
    "PhoneEnrolmentRequest",
    "Problem",
    "PublicJwk",
    "RecoveryCodes",
    "RecoveryCodeSummary",
    "RegisterTokenRequest",
    "ResetMfaRequest",
    "ResetPasswordRequest",
    "RevokedSessions",
    "Role",
    "RoleRequest",
    "RotateApiKeyRequest",
    "Scope",
    "SecondFactor",
    "SentCode",
    "SentCodeEnrolment",
    "Session",
    "SessionListItem",
    "SessionPage",
    "SignUpRequest",
    "SignUpResponse",
    "SsoCallbackRequest",
    "SsoExchangeRequest",
    "SsoIdentity",
    "SsoIdentityPage",
    "SsoLinkRequest",
    "SsoMfa",
    "SsoSettings",
    "SsoSettingsRequest",
    "SsoStarted",
    "SsoStartRequest",
    "SsoUnlinkRequest",
    "Status",
    "StepUpRequest",
    "TotpEnrolment",
    "TxtRecord",
    "UnusedRecoveryCodes",
    "UpdateOrgRequest",
    "UpdateProfileRequest",
    "VerificationRequest",
    "VerificationSent",
    "VerifyChallengeRequest",
    "WhatsappVerification",
)
