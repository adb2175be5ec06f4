//! Where each person is in a dialogue. Stored as JSON per chat, so it survives restarts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{Beneficiary, Category, ForWhom, Urgency};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum State {
    #[default]
    Idle,
    /// Asking for help, one question at a time.
    Request { step: ReqStep, draft: RequestDraft },
    /// Registering as a volunteer, or changing one part of the profile.
    Volunteer {
        step: VolStep,
        draft: VolunteerDraft,
    },
    /// An operator choosing the region of a lead invitation.
    InviteLead { picker: RegionPicker },
    /// After a visit: receipt, note for the next volunteer, worry (see `bot::aftercare`).
    Aftercare {
        request_id: i64,
        step: AfterStep,
        #[serde(default)]
        amount_minor: Option<i64>,
    },
    /// A club lead typing what people are told while a region's intake is paused.
    IntakePause { region_id: i64 },
    /// A quick request: one voice message, then region and phone (see `bot::intake`).
    VoiceRequest {
        file_id: String,
        step: VoiceStep,
        #[serde(default)]
        region_id: Option<i64>,
        #[serde(default)]
        picker: RegionPicker,
    },
    /// Writing to the other side of a taken request through the bot (bot/relay.rs): each message
    /// goes to the volunteer, or to the person who asked, of this request.
    Relay { request_id: i64 },
    /// A requester typed outside any dialogue while exactly one of her requests is taken: she
    /// was asked whether to pass these words to its volunteer (bot/relay.rs `pass`). Nothing goes
    /// without her press; any other message or button leaves it.
    RelayOffer { request_id: i64, text: String },
}

/// The optional questions after Done, one at a time; each can be skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AfterStep {
    Amount,
    Photo,
    Note,
    Worried,
    Concern,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoiceStep {
    Region,
    Phone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReqStep {
    ForWhom,
    OtherName,
    Beneficiary,
    Region,
    Category,
    Details,
    Settlement,
    Address,
    When,
    Date,
    Phone,
    Confirm,
    /// Choosing which answer to change from the summary.
    Change,
}

/// What the requester has answered so far. Fields fill in step by step; `Confirm` needs them all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestDraft {
    pub for_whom: Option<ForWhom>,
    pub other_name: Option<String>,
    pub beneficiary: Option<Beneficiary>,
    pub region_id: Option<i64>,
    pub category: Option<Category>,
    pub details: Option<String>,
    pub voice_file_id: Option<String>,
    pub settlement: Option<String>,
    /// `Some("")` means the person chose to skip it.
    pub address: Option<String>,
    pub urgency: Option<Urgency>,
    pub needed_on: Option<NaiveDate>,
    /// `Some("")` means the person chose not to give one.
    pub phone: Option<String>,
    /// Set when a step was opened from the summary: answering it returns to the summary.
    #[serde(default)]
    pub editing: bool,
    #[serde(default)]
    pub picker: RegionPicker,
}

/// The region list on the keyboard: a page of all regions, or the matches of a typed name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionPicker {
    pub page: usize,
    pub matches: Option<Vec<i64>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolStep {
    Name,
    Regions,
    Categories,
    Phone,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VolunteerDraft {
    pub name: Option<String>,
    pub regions: Vec<i64>,
    pub categories: Vec<Category>,
    pub phone: Option<String>,
    /// Changing one part of an existing profile (from /profile): save right after that step.
    #[serde(default)]
    pub single: bool,
    #[serde(default)]
    pub picker: RegionPicker,
}

impl ReqStep {
    /// The step ⬅️ Back leads to; `None` means back out of the dialogue.
    pub fn back(self, draft: &RequestDraft) -> Option<ReqStep> {
        use ReqStep::*;
        Some(match self {
            ForWhom => return None,
            OtherName => ForWhom,
            Beneficiary if draft.for_whom == Some(crate::domain::ForWhom::Other) => OtherName,
            Beneficiary => ForWhom,
            Region => Beneficiary,
            Category => Region,
            Details => Category,
            Settlement => Details,
            Address => Settlement,
            When => Address,
            Date => When,
            Phone => When,
            Confirm => Phone,
            Change => Confirm,
        })
    }
}

impl VolStep {
    pub fn back(self) -> Option<VolStep> {
        match self {
            VolStep::Name => None,
            VolStep::Regions => Some(VolStep::Name),
            VolStep::Categories => Some(VolStep::Regions),
            VolStep::Phone => Some(VolStep::Categories),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_survive_a_json_round_trip() {
        let s = State::Request {
            step: ReqStep::Phone,
            draft: RequestDraft {
                for_whom: Some(ForWhom::Other),
                other_name: Some("Мария Ивановна".into()),
                needed_on: NaiveDate::from_ymd_opt(2026, 12, 1),
                ..Default::default()
            },
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
    }

    #[test]
    fn back_skips_the_name_question_when_asking_for_oneself() {
        let mut d = RequestDraft {
            for_whom: Some(ForWhom::Myself),
            ..Default::default()
        };
        assert_eq!(ReqStep::Beneficiary.back(&d), Some(ReqStep::ForWhom));
        d.for_whom = Some(ForWhom::Other);
        assert_eq!(ReqStep::Beneficiary.back(&d), Some(ReqStep::OtherName));
        assert_eq!(ReqStep::ForWhom.back(&d), None);
    }
}
