//! Inline-button data, at most 64 bytes. A press is a request from an untrusted client: every
//! handler re-checks on the server that this person may do this to this request now.

use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseReason {
    NoTime,
    TooFar,
    SomethingCameUp,
}

impl ReleaseReason {
    pub const ALL: [ReleaseReason; 3] = [
        ReleaseReason::NoTime,
        ReleaseReason::TooFar,
        ReleaseReason::SomethingCameUp,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReleaseReason::NoTime => "no_time",
            ReleaseReason::TooFar => "too_far",
            ReleaseReason::SomethingCameUp => "came_up",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ReleaseReason::NoTime => "release-reason-no-time",
            ReleaseReason::TooFar => "release-reason-too-far",
            ReleaseReason::SomethingCameUp => "release-reason-came-up",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileField {
    Name,
    Regions,
    Categories,
    Phone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cb {
    Claim(i64),
    Done(i64),
    /// Ask why, then release.
    ReleaseAsk(i64),
    Release(i64, ReleaseReason),
    /// The requester got the help.
    GotHelp(i64),
    NotYet(i64),
    CancelAsk(i64),
    CancelSure(i64),
    CancelKeep(i64),
    TasksPage(u32),
    Language(Lang),
    EditProfile(ProfileField),
}

impl Cb {
    pub fn encode(self) -> String {
        match self {
            Cb::Claim(id) => format!("c:{id}"),
            Cb::Done(id) => format!("d:{id}"),
            Cb::ReleaseAsk(id) => format!("r:{id}"),
            Cb::Release(id, reason) => format!("rr:{id}:{}", reason.index()),
            Cb::GotHelp(id) => format!("y:{id}"),
            Cb::NotYet(id) => format!("n:{id}"),
            Cb::CancelAsk(id) => format!("x:{id}"),
            Cb::CancelSure(id) => format!("xc:{id}"),
            Cb::CancelKeep(id) => format!("xk:{id}"),
            Cb::TasksPage(p) => format!("tp:{p}"),
            Cb::Language(l) => format!("l:{}", l.code()),
            Cb::EditProfile(f) => format!(
                "pe:{}",
                match f {
                    ProfileField::Name => "n",
                    ProfileField::Regions => "r",
                    ProfileField::Categories => "c",
                    ProfileField::Phone => "p",
                }
            ),
        }
    }

    /// `None` for anything that is not data this bot made.
    pub fn parse(data: &str) -> Option<Cb> {
        if data.len() > 64 {
            return None;
        }
        let (tag, rest) = data.split_once(':')?;
        let id = || rest.parse::<i64>().ok().filter(|id| *id > 0);
        Some(match tag {
            "c" => Cb::Claim(id()?),
            "d" => Cb::Done(id()?),
            "r" => Cb::ReleaseAsk(id()?),
            "rr" => {
                let (id, reason) = rest.split_once(':')?;
                let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
                Cb::Release(id, *ReleaseReason::ALL.get(reason.parse::<usize>().ok()?)?)
            }
            "y" => Cb::GotHelp(id()?),
            "n" => Cb::NotYet(id()?),
            "x" => Cb::CancelAsk(id()?),
            "xc" => Cb::CancelSure(id()?),
            "xk" => Cb::CancelKeep(id()?),
            "tp" => Cb::TasksPage(rest.parse().ok().filter(|p| *p < 10_000)?),
            "l" => Cb::Language(Lang::from_code(rest)?),
            "pe" => Cb::EditProfile(match rest {
                "n" => ProfileField::Name,
                "r" => ProfileField::Regions,
                "c" => ProfileField::Categories,
                "p" => ProfileField::Phone,
                _ => return None,
            }),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_callback_round_trips_within_64_bytes() {
        let big = i64::MAX;
        let all = [
            Cb::Claim(big),
            Cb::Done(big),
            Cb::ReleaseAsk(big),
            Cb::Release(big, ReleaseReason::SomethingCameUp),
            Cb::GotHelp(big),
            Cb::NotYet(big),
            Cb::CancelAsk(big),
            Cb::CancelSure(big),
            Cb::CancelKeep(big),
            Cb::TasksPage(9_999),
            Cb::Language(Lang::Ru),
            Cb::EditProfile(ProfileField::Categories),
        ];
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Cb::parse(&data), Some(cb), "{data}");
        }
    }

    #[test]
    fn forged_data_does_not_parse() {
        for data in [
            "",
            "c",
            "c:",
            "c:abc",
            "c:-5",
            "c:0",
            "zz:1",
            "rr:5:9",
            "l:de",
            "pe:z",
            "tp:99999999",
            &"c:1".repeat(30),
        ] {
            assert_eq!(Cb::parse(data), None, "{data}");
        }
    }
}
