//! Where codes may be sent: an E.164 number, in a country the deployment sends to
//! (`TESSERA_SMS_COUNTRIES`, `TESSERA_WHATSAPP_COUNTRIES`: calling codes), and never a
//! premium-rate or shared-cost number (libphonenumber's metadata, through the `phonenumber`
//! crate) — an attacker who can make the server text such a number earns money per code.

use phonenumber::{PhoneNumber, Type};

use super::error::FieldError;
use super::outbox::Channel;

/// The deployment's choice of destinations.
#[derive(Debug, Clone, Default)]
pub struct PhoneNumberPolicy {
    /// Calling codes SMS codes may go to; `None`: anywhere.
    pub sms_countries: Option<Vec<u16>>,
    /// Calling codes WhatsApp codes may go to; `None`: anywhere.
    pub whatsapp_countries: Option<Vec<u16>>,
}

impl PhoneNumberPolicy {
    fn countries(&self, channel: Channel) -> Option<&[u16]> {
        match channel {
            Channel::Sms => self.sms_countries.as_deref(),
            Channel::Whatsapp => self.whatsapp_countries.as_deref(),
            Channel::Email | Channel::Webhook => None,
        }
    }
}

/// E.164: `+`, a non-zero country digit, 7 to 15 digits in all.
pub fn check_e164(field: &str, number: &str) -> Option<FieldError> {
    let digits = number.strip_prefix('+').unwrap_or("");
    let valid = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && parse(number).is_some();
    (!valid).then(|| {
        FieldError::new(
            field,
            "invalid_e164",
            "must be an E.164 number such as +4915112345678",
        )
    })
}

fn parse(number: &str) -> Option<PhoneNumber> {
    phonenumber::parse(None, number).ok()
}

/// The phone a number reaches, as the send budgets count it: the calling code and the national
/// number without leading zeros or a national trunk prefix (`+4407700900123`, `+447700900123`,
/// `+115550100123` and `+15550100123` are two phones, not four). It may merge numbers that
/// are not the same phone — budgets then count too much, never too little.
pub fn destination_key(number: &str) -> String {
    let Some(parsed) = parse(number) else {
        return number.to_string();
    };
    let mut national = parsed.national().value().to_string();
    // The number's region when it is a valid one, else any region of its calling code (an
    // invalid spelling is still someone's phone to the provider).
    let database = &*phonenumber::metadata::DATABASE;
    let code = parsed.code().value();
    let prefix = parsed
        .metadata(database)
        .and_then(|m| m.national_prefix())
        .or_else(|| {
            database
                .by_code(&code)?
                .into_iter()
                .find_map(|m| m.national_prefix())
        })
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if let Some(prefix) = prefix
        && national.len() > prefix.len() + 6
        && national.starts_with(prefix)
    {
        national = national[prefix.len()..].to_string();
    }
    format!("+{code}{national}")
}

/// The number as libphonenumber writes it in E.164: one spelling per phone (`+49015112345678`
/// and `+4915112345678` are one number: the national trunk `0` is dropped), so that what is
/// stored, sent to and counted by the budgets is the phone, not a spelling of it.
pub fn normalise(number: &str) -> String {
    parse(number)
        .map(|parsed| parsed.format().mode(phonenumber::Mode::E164).to_string())
        .unwrap_or_else(|| number.to_string())
}

/// Why codes of `channel` may not go to `number` (a well-formed E.164 number), if they may not.
pub fn refusal(policy: &PhoneNumberPolicy, channel: Channel, number: &str) -> Option<Refusal> {
    let parsed = parse(number)?;
    if matches!(
        parsed.number_type(&phonenumber::metadata::DATABASE),
        Type::PremiumRate | Type::SharedCost
    ) {
        return Some(Refusal::PremiumRate);
    }
    let code = parsed.code().value();
    match policy.countries(channel) {
        Some(allowed) if !allowed.contains(&code) => Some(Refusal::Country(code)),
        _ => None,
    }
}

/// Why a number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    PremiumRate,
    /// The number's calling code is not one the deployment sends to.
    Country(u16),
}

impl Refusal {
    pub fn field_error(self, field: &str, channel: Channel) -> FieldError {
        match self {
            Refusal::PremiumRate => FieldError::new(
                field,
                "premium_rate",
                "premium-rate and shared-cost numbers cannot receive codes",
            ),
            Refusal::Country(code) => FieldError::new(
                field,
                "country_not_allowed",
                format!(
                    "this service sends no {} codes to +{code} numbers",
                    channel.name()
                ),
            ),
        }
    }
}

/// Checks a number codes of `channel` are to be sent to: its form, then the policy.
pub fn check_destination(
    policy: &PhoneNumberPolicy,
    channel: Channel,
    field: &str,
    number: &str,
) -> Option<FieldError> {
    check_e164(field, number)
        .or_else(|| refusal(policy, channel, number).map(|r| r.field_error(field, channel)))
}

/// Parses `TESSERA_SMS_COUNTRIES`-style lists: calling codes, comma-separated, `+` optional.
pub fn parse_calling_codes(list: &str) -> Result<Option<Vec<u16>>, String> {
    let codes: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() {
        return Ok(None);
    }
    codes
        .into_iter()
        .map(|c| {
            let digits = c.strip_prefix('+').unwrap_or(c);
            digits
                .parse::<u16>()
                .ok()
                .filter(|n| (1..=999).contains(n) && !digits.starts_with('0'))
                .ok_or_else(|| format!("`{c}` is not a calling code (like 1, 44 or 49)"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn premium_rate_and_shared_cost_numbers_are_refused_ordinary_ones_pass() {
        let anywhere = PhoneNumberPolicy::default();
        // Australia's 1900 premium-rate range; the UK's 09 premium and 084 shared-cost ranges.
        for number in ["+611900123456", "+449012345678", "+448431234567"] {
            assert_eq!(
                refusal(&anywhere, Channel::Sms, number),
                Some(Refusal::PremiumRate),
                "{number}"
            );
        }
        for number in [
            "+61406823897",
            "+447700900123",
            "+15550100123",
            "+4915112345678",
        ] {
            assert_eq!(refusal(&anywhere, Channel::Sms, number), None, "{number}");
        }
    }

    #[test]
    fn a_country_list_limits_one_channel() {
        let policy = PhoneNumberPolicy {
            sms_countries: parse_calling_codes("1, +44,49").unwrap(),
            whatsapp_countries: None,
        };
        assert_eq!(refusal(&policy, Channel::Sms, "+447700900123"), None);
        assert_eq!(
            refusal(&policy, Channel::Sms, "+33612345678"),
            Some(Refusal::Country(33))
        );
        assert_eq!(refusal(&policy, Channel::Whatsapp, "+33612345678"), None);
        assert!(parse_calling_codes("1,x").is_err());
        assert!(parse_calling_codes("1,0044").is_err());
        assert_eq!(parse_calling_codes(" ").unwrap(), None);
    }

    #[test]
    fn one_phone_has_one_spelling() {
        assert_eq!(normalise("+49015112345678"), "+4915112345678");
        assert_eq!(normalise("+4915112345678"), "+4915112345678");
        assert_eq!(normalise("+15550100123"), "+15550100123");
        for (one, other) in [
            ("+4407700900123", "+447700900123"),
            ("+49015112345678", "+4915112345678"),
            ("+115550100123", "+15550100123"),
            ("+33612345678", "+330612345678"),
            ("+5511987654321", "+55011987654321"),
        ] {
            assert_eq!(
                destination_key(one),
                destination_key(other),
                "{one} {other}"
            );
        }
        assert_ne!(
            destination_key("+447700900123"),
            destination_key("+447700900124")
        );
    }

    #[test]
    fn numbers_must_be_e164() {
        assert!(check_e164("phone", "+15550100123").is_none());
        for bad in [
            "15550100123",
            "+0123456789",
            "+1555",
            "+1555010012345678",
            "+1-555-0100",
        ] {
            assert!(check_e164("phone", bad).is_some(), "{bad}");
        }
    }
}
