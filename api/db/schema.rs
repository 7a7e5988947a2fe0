// The portable schema: ids and JSON as text, timestamps as UTC `TIMESTAMP`, no booleans
// (the multi-backend connection supports only the common subset of SQL types).

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        whatsapp_number -> Nullable<Text>,
        password_changed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        /// When the account last turned MFA off.
        mfa_disabled_at -> Nullable<Timestamp>,
        /// Set while support has the account frozen.
        frozen_at -> Nullable<Timestamp>,
        /// When the WhatsApp number was proven; cleared when it changes.
        whatsapp_verified_at -> Nullable<Timestamp>,
        /// When the email address was proven (a code or link sent to it, a password reset, an
        /// accepted invitation, a provider at a verified domain).
        email_verified_at -> Nullable<Timestamp>,
        /// The organisation that manages the account; null for a personal account.
        managed_by_org_id -> Nullable<Text>,
        /// When MFA was first turned on; kept when it is turned off or reset.
        mfa_first_enabled_at -> Nullable<Timestamp>,
        /// Who last turned MFA off: the account itself or an organisation's admin.
        mfa_disabled_by -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        account_id -> Text,
        token_hash -> Text,
        aal -> Text,
        methods -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        location_country -> Nullable<Text>,
        location_city -> Nullable<Text>,
        created_at -> Timestamp,
        last_active_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        /// Set when the session was issued within an MFA grace period.
        mfa_enrollment_deadline -> Nullable<Timestamp>,
        /// For SSO sign-ins: the identity provider's `amr`, JSON.
        idp_amr -> Nullable<Text>,
    }
}

diesel::table! {
    login_events (id) {
        id -> Text,
        account_id -> Nullable<Text>,
        email -> Text,
        occurred_at -> Timestamp,
        method -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        location_country -> Nullable<Text>,
        location_city -> Nullable<Text>,
        outcome -> Text,
        failure_reason -> Nullable<Text>,
        mfa_method -> Nullable<Text>,
    }
}

diesel::table! {
    login_throttles (subject) {
        subject -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(login_events -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, sessions, login_events, login_throttles);

diesel::table! {
    mfa_factors (id) {
        id -> Text,
        account_id -> Text,
        /// `totp` (more kinds later).
        kind -> Text,
        /// `pending` until one code is proven, then `active`.
        status -> Text,
        secret_ciphertext -> Text,
        key_id -> Text,
        digits -> Integer,
        period -> Integer,
        last_used_step -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        activated_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        /// Wrong codes given to activate the pending factor.
        failed_attempts -> Integer,
        /// `SHA1`, `SHA256` or `SHA512`.
        algorithm -> Text,
        /// For a `hardware_token` factor: the organisation's token it was bound from.
        hardware_token_id -> Nullable<Text>,
    }
}

diesel::table! {
    recovery_code_sets (id) {
        id -> Text,
        account_id -> Text,
        codes_ciphertext -> Text,
        key_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        set_id -> Text,
        account_id -> Text,
        code_digest -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_challenges (id_digest) {
        id_digest -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        failed_attempts -> Integer,
        consumed_at -> Nullable<Timestamp>,
        device_digest -> Nullable<Text>,
        /// `password` or `sso`: how the sign-in's first step was made.
        first_factor -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        account_id -> Text,
        actor_account_id -> Nullable<Text>,
        event -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        /// JSON object with event-specific details, or null.
        details -> Nullable<Text>,
        occurred_at -> Timestamp,
        /// The organisation the event belongs to, for its audit log.
        org_id -> Nullable<Text>,
    }
}

diesel::joinable!(mfa_factors -> accounts (account_id));
diesel::joinable!(recovery_codes -> recovery_code_sets (set_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    mfa_factors,
    recovery_code_sets,
    recovery_codes,
    login_challenges,
    audit_events
);

diesel::table! {
    /// Per-client rate limits (GCRA): `tat`, the bucket's theoretical arrival time, in
    /// microseconds since the epoch.
    rate_limits (bucket) {
        bucket -> Text,
        tat -> BigInt,
    }
}

diesel::table! {
    orgs (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        /// 1 when every member must have MFA.
        require_mfa -> Integer,
        /// The members' grace period, in days.
        enforcement_delay_days -> Integer,
        require_mfa_since -> Nullable<Timestamp>,
        /// JSON array of the factor types that meet the requirement; null: any.
        allowed_methods -> Nullable<Text>,
    }
}

diesel::table! {
    org_members (org_id, account_id) {
        org_id -> Text,
        account_id -> Text,
        /// `owner`, `admin` or `member`.
        role -> Text,
        added_at -> Timestamp,
        /// A requirement set for this member (overrides the organisation's).
        mfa_required_since -> Nullable<Timestamp>,
        mfa_delay_days -> Nullable<Integer>,
        /// Restarted by an admin's MFA reset.
        mfa_clock_started_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    enrollment_tickets (id_digest) {
        id_digest -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        consumed_at -> Nullable<Timestamp>,
        first_factor -> Text,
        /// JSON array of the methods the ticket opens.
        methods -> Text,
        /// The second factor the login proved before the ticket (one that meets no
        /// organisation's requirement); null when it proved only its first step.
        second_factor -> Nullable<Text>,
    }
}

diesel::joinable!(org_members -> orgs (org_id));
diesel::joinable!(org_members -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(orgs, org_members, accounts);

diesel::table! {
    operator_keys (id) {
        id -> Text,
        name -> Text,
        token_digest -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    hardware_tokens (id) {
        id -> Text,
        org_id -> Text,
        name -> Text,
        serial -> Text,
        model -> Text,
        period -> Integer,
        digits -> Integer,
        /// `SHA1`, `SHA256` or `SHA512`.
        algorithm -> Text,
        secret_ciphertext -> Text,
        key_id -> Text,
        created_at -> Timestamp,
        assigned_account_id -> Nullable<Text>,
        assigned_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(hardware_tokens -> accounts (assigned_account_id));
diesel::allow_tables_to_appear_in_same_query!(hardware_tokens, accounts);
diesel::allow_tables_to_appear_in_same_query!(hardware_tokens, org_members);

diesel::table! {
    api_keys (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        prefix -> Text,
        secret_digest -> Text,
        /// JSON array of scopes.
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        last_logged_at -> Nullable<Timestamp>,
        last_used_ip -> Nullable<Text>,
        last_used_user_agent -> Nullable<Text>,
    }
}

diesel::joinable!(api_keys -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(api_keys, accounts);

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        algorithm -> Text,
        public_key -> Text,
        private_key_ciphertext -> Text,
        key_id -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    introspection_keys (id) {
        id -> Text,
        name -> Text,
        token_digest -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        recipient -> Text,
        kind -> Text,
        payload_ciphertext -> Nullable<Text>,
        key_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Text,
        account_id -> Text,
        token_digest -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(password_resets -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(password_resets, accounts);

diesel::table! {
    notification_preferences (account_id) {
        account_id -> Text,
        new_device_login -> Bool,
        failed_login -> Bool,
        failed_login_alerted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    known_devices (account_id, device_digest) {
        account_id -> Text,
        device_digest -> Text,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    sent_codes (id) {
        id -> Text,
        account_id -> Text,
        factor_id -> Nullable<Text>,
        channel -> Text,
        purpose -> Text,
        code_digest -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        failed_attempts -> Integer,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// An organisation's OpenID Connect provider; the client secret sealed.
    org_sso (org_id) {
        org_id -> Text,
        issuer -> Text,
        client_id -> Text,
        client_secret_ciphertext -> Text,
        key_id -> Text,
        mfa -> Text,
        auto_provision -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A domain an organisation claims; verified by a DNS TXT record or an operator. One
    /// organisation at most has a domain verified.
    org_domains (org_id, domain) {
        org_id -> Text,
        domain -> Text,
        /// The random part of the TXT record's value (public).
        challenge -> Text,
        /// The organisation's SSO signs in the emails at this domain (once verified).
        sso -> Integer,
        created_at -> Timestamp,
        verified_at -> Nullable<Timestamp>,
        /// `dns` or `operator`.
        verified_by -> Nullable<Text>,
    }
}

diesel::table! {
    sso_identities (id) {
        id -> Text,
        account_id -> Text,
        org_id -> Text,
        issuer -> Text,
        subject -> Text,
        created_at -> Timestamp,
        last_login_at -> Timestamp,
    }
}

diesel::table! {
    sso_flows (state_digest) {
        state_digest -> Text,
        org_id -> Text,
        nonce -> Text,
        verifier_ciphertext -> Nullable<Text>,
        key_id -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        provider_redirect_uri -> Text,
        redirect_uri -> Text,
        exchange_challenge -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        account_id -> Nullable<Text>,
        amr -> Nullable<Text>,
        login_code_digest -> Nullable<Text>,
        login_code_expires_at -> Nullable<Timestamp>,
        redeemed_at -> Nullable<Timestamp>,
        /// A browser link's identity, held until the login code is exchanged (JSON).
        identity -> Nullable<Text>,
    }
}

diesel::joinable!(org_domains -> org_sso (org_id));
diesel::joinable!(org_domains -> orgs (org_id));
diesel::joinable!(sso_identities -> orgs (org_id));
diesel::allow_tables_to_appear_in_same_query!(org_sso, org_domains, sso_identities, orgs);

diesel::table! {
    /// An organisation's invitation of an email address; the token stored as a digest.
    org_invitations (id) {
        id -> Text,
        org_id -> Text,
        email -> Text,
        role -> Text,
        token_digest -> Text,
        invited_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(org_invitations -> orgs (org_id));
diesel::allow_tables_to_appear_in_same_query!(org_invitations, orgs);
diesel::allow_tables_to_appear_in_same_query!(org_invitations, accounts);

diesel::table! {
    /// A code and link sent to prove an email address: the account's own, or a new one.
    email_verifications (id) {
        id -> Text,
        account_id -> Text,
        purpose -> Text,
        email -> Text,
        token_digest -> Text,
        code_digest -> Text,
        session_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        failed_attempts -> Integer,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(email_verifications -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(email_verifications, accounts);

diesel::table! {
    /// The messaging ledger: one row per code sent, kept whatever happens to the factor.
    message_sends (id) {
        id -> Text,
        channel -> Text,
        account_id -> Text,
        destination_digest -> Text,
        client_network -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The days a deployment-wide messaging cap was reached (the webhook goes out once).
    messaging_cap_alerts (channel, day) {
        channel -> Text,
        day -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The running servers and the keyring keys each holds (heartbeats).
    server_instances (id) {
        id -> Text,
        host -> Text,
        started_at -> Timestamp,
        seen_at -> Timestamp,
        active_key_id -> Text,
        key_ids -> Text,
    }
}
