//! Inline-button data, at most 64 bytes. A press is a request from an untrusted client: every
//! handler re-checks on the server that this person may do this to this request now.

use crate::domain::door::Eta;
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
    // Club leads and operators.
    ApproveVolunteer(i64),
    RejectVolunteer(i64),
    SuspendVolunteer(i64),
    ReinstateVolunteer(i64),
    VolunteersPage(u32),
    RemoveLead {
        user: i64,
        region: i64,
    },
    BindRegion(i64),
    PushAgain(i64),
    AssignAsk(i64),
    Assign {
        request: i64,
        volunteer: i64,
    },
    Reopen(i64),
    CloseAs(i64, CloseReason),
    RequestsPage(u32),
    ExportRegion(i64),
    /// The chart of a region's last four weeks, from the button under a digest.
    DigestChart(i64),
    Export {
        region: i64,
        range: u8,
    },
    /// /delete_me confirmed, or not.
    DeleteMe,
    DeleteKeep,
    // After the visit (bot::aftercare) and the lead's hand (bot::intake).
    /// The requester says the receipt's amount is right, or not.
    ReceiptRight(i64),
    ReceiptWrong(i64),
    /// A lead marks a receipt repaid.
    Repaid(i64),
    /// "I am worried about this person", about a request the volunteer holds or finished.
    Worried(i64),
    /// Receipt, note and worry for a done request, asked later.
    Aftercare(i64),
    /// A lead asks for the kinds of help of a request, then sets one.
    CategoryAsk(i64),
    SetCategory {
        request: i64,
        category: u8,
    },
    PauseIntake(i64),
    ResumeIntake(i64),
    // At the door and in between (bot/door.rs, bot/relay.rs).
    /// 🚶 On my way: ask when, then tell.
    OnMyWayAsk(i64),
    OnMyWay(i64, Eta),
    /// 💬 Write to the other side of a taken request.
    RelayStart(i64),
    /// 💬 Pass it on: the words typed outside a conversation go to the volunteer of this request.
    RelayPass(i64),
    /// The author of a request made for someone else shares it with family, or stops.
    Share(i64),
    Unshare(i64),
    /// Follow the request behind a share link's code (the code, not the request: a forged
    /// request number must not let anyone follow).
    Follow(i64),
    FollowDecline,
    Unfollow(i64),
    /// Volunteer duty (see `bot::duty`).
    Duty(DutyCb),
}

/// A volunteer's own duty settings, and the requester's weekly repeats. All under the tag `du`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DutyCb {
    Pause,
    Resume,
    /// Show the quiet-hours choices.
    QuietMenu,
    /// 0: the deployment's default, 1: off, 2…: `domain::duty::PRESETS`.
    Quiet(u8),
    /// "Today" requests at once even in quiet hours.
    Urgent(bool),
    /// After "Yes, I got the help": repeat it every week, or not.
    RepeatWeekly(i64),
    RepeatNo(i64),
    /// Stop a running repeat (its id, not a request's).
    RepeatStop(i64),
}

impl DutyCb {
    fn encode(self) -> String {
        match self {
            DutyCb::Pause => "du:p".to_owned(),
            DutyCb::Resume => "du:r".to_owned(),
            DutyCb::QuietMenu => "du:q".to_owned(),
            DutyCb::Quiet(n) => format!("du:q{n}"),
            DutyCb::Urgent(on) => format!("du:u{}", u8::from(on)),
            DutyCb::RepeatWeekly(id) => format!("du:w{id}"),
            DutyCb::RepeatNo(id) => format!("du:n{id}"),
            DutyCb::RepeatStop(id) => format!("du:s{id}"),
        }
    }

    fn parse(rest: &str) -> Option<DutyCb> {
        let id = |s: &str| s.parse::<i64>().ok().filter(|id| *id > 0);
        Some(match rest {
            "p" => DutyCb::Pause,
            "r" => DutyCb::Resume,
            "q" => DutyCb::QuietMenu,
            "u0" => DutyCb::Urgent(false),
            "u1" => DutyCb::Urgent(true),
            _ => {
                let (tag, arg) = rest.split_at_checked(1)?;
                match tag {
                    "q" => DutyCb::Quiet(
                        arg.parse::<u8>()
                            .ok()
                            .filter(|n| usize::from(*n) < 2 + crate::domain::duty::PRESETS.len())?,
                    ),
                    "w" => DutyCb::RepeatWeekly(id(arg)?),
                    "n" => DutyCb::RepeatNo(id(arg)?),
                    "s" => DutyCb::RepeatStop(id(arg)?),
                    _ => return None,
                }
            }
        })
    }
}

/// Why a lead closes a request that nobody should take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    Duplicate,
    Spam,
}

impl CloseReason {
    pub fn code(self) -> &'static str {
        match self {
            CloseReason::Duplicate => "duplicate",
            CloseReason::Spam => "spam",
        }
    }
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
            Cb::ApproveVolunteer(u) => format!("va:{u}"),
            Cb::RejectVolunteer(u) => format!("vr:{u}"),
            Cb::SuspendVolunteer(u) => format!("vs:{u}"),
            Cb::ReinstateVolunteer(u) => format!("vu:{u}"),
            Cb::VolunteersPage(p) => format!("vp:{p}"),
            Cb::RemoveLead { user, region } => format!("lr:{user}:{region}"),
            Cb::BindRegion(r) => format!("br:{r}"),
            Cb::PushAgain(id) => format!("ep:{id}"),
            Cb::AssignAsk(id) => format!("aa:{id}"),
            Cb::Assign { request, volunteer } => format!("as:{request}:{volunteer}"),
            Cb::Reopen(id) => format!("ro:{id}"),
            Cb::CloseAs(id, reason) => format!("cl:{id}:{}", reason as u8),
            Cb::RequestsPage(p) => format!("rp:{p}"),
            Cb::ExportRegion(r) => format!("xr:{r}"),
            Cb::DigestChart(r) => format!("dg:{r}"),
            Cb::Export { region, range } => format!("xe:{region}:{range}"),
            Cb::DeleteMe => "dm:y".to_owned(),
            Cb::DeleteKeep => "dm:n".to_owned(),
            Cb::ReceiptRight(id) => format!("qy:{id}"),
            Cb::ReceiptWrong(id) => format!("qn:{id}"),
            Cb::Repaid(id) => format!("qp:{id}"),
            Cb::Worried(id) => format!("qw:{id}"),
            Cb::Aftercare(id) => format!("qa:{id}"),
            Cb::CategoryAsk(id) => format!("qk:{id}"),
            Cb::SetCategory { request, category } => format!("qc:{request}:{category}"),
            Cb::PauseIntake(r) => format!("qi:{r}"),
            Cb::ResumeIntake(r) => format!("qo:{r}"),
            Cb::OnMyWayAsk(id) => format!("w:{id}"),
            Cb::OnMyWay(id, eta) => format!("wt:{id}:{}", eta.index()),
            Cb::RelayStart(id) => format!("m:{id}"),
            Cb::RelayPass(id) => format!("mp:{id}"),
            Cb::Share(id) => format!("sh:{id}"),
            Cb::Unshare(id) => format!("us:{id}"),
            Cb::Follow(code) => format!("fo:{code}"),
            Cb::FollowDecline => "fo:n".to_owned(),
            Cb::Unfollow(id) => format!("uf:{id}"),
            Cb::Duty(d) => d.encode(),
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
            "va" => Cb::ApproveVolunteer(id()?),
            "vr" => Cb::RejectVolunteer(id()?),
            "vs" => Cb::SuspendVolunteer(id()?),
            "vu" => Cb::ReinstateVolunteer(id()?),
            "vp" => Cb::VolunteersPage(rest.parse().ok().filter(|p| *p < 10_000)?),
            "lr" => {
                let (a, b) = pair(rest)?;
                Cb::RemoveLead { user: a, region: b }
            }
            "br" => Cb::BindRegion(id()?),
            "ep" => Cb::PushAgain(id()?),
            "aa" => Cb::AssignAsk(id()?),
            "as" => {
                let (a, b) = pair(rest)?;
                Cb::Assign {
                    request: a,
                    volunteer: b,
                }
            }
            "ro" => Cb::Reopen(id()?),
            "cl" => {
                let (id, reason) = rest.split_once(':')?;
                let reason = match reason {
                    "0" => CloseReason::Duplicate,
                    "1" => CloseReason::Spam,
                    _ => return None,
                };
                Cb::CloseAs(id.parse().ok().filter(|id| *id > 0)?, reason)
            }
            "rp" => Cb::RequestsPage(rest.parse().ok().filter(|p| *p < 10_000)?),
            "xr" => Cb::ExportRegion(id()?),
            "dg" => Cb::DigestChart(id()?),
            "dm" => match rest {
                "y" => Cb::DeleteMe,
                "n" => Cb::DeleteKeep,
                _ => return None,
            },
            "du" => Cb::Duty(DutyCb::parse(rest)?),
            "xe" => {
                let (region, range) = rest.split_once(':')?;
                Cb::Export {
                    region: region.parse().ok().filter(|r| *r > 0)?,
                    range: range.parse().ok().filter(|r| *r < 10)?,
                }
            }
            "qy" => Cb::ReceiptRight(id()?),
            "qn" => Cb::ReceiptWrong(id()?),
            "qp" => Cb::Repaid(id()?),
            "qw" => Cb::Worried(id()?),
            "qa" => Cb::Aftercare(id()?),
            "qk" => Cb::CategoryAsk(id()?),
            "qc" => {
                let (request, category) = rest.split_once(':')?;
                Cb::SetCategory {
                    request: request.parse().ok().filter(|r: &i64| *r > 0)?,
                    category: category.parse().ok().filter(|c| *c < 100)?,
                }
            }
            "qi" => Cb::PauseIntake(id()?),
            "qo" => Cb::ResumeIntake(id()?),
            "w" => Cb::OnMyWayAsk(id()?),
            "wt" => {
                let (id, eta) = rest.split_once(':')?;
                let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
                Cb::OnMyWay(id, *Eta::ALL.get(eta.parse::<usize>().ok()?)?)
            }
            "m" => Cb::RelayStart(id()?),
            "mp" => Cb::RelayPass(id()?),
            "sh" => Cb::Share(id()?),
            "us" => Cb::Unshare(id()?),
            "fo" if rest == "n" => Cb::FollowDecline,
            "fo" => Cb::Follow(id()?),
            "uf" => Cb::Unfollow(id()?),
            _ => return None,
        })
    }
}

/// Two positive ids separated by a colon.
fn pair(rest: &str) -> Option<(i64, i64)> {
    let (a, b) = rest.split_once(':')?;
    let a = a.parse::<i64>().ok().filter(|v| *v > 0)?;
    let b = b.parse::<i64>().ok().filter(|v| *v > 0)?;
    Some((a, b))
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
            Cb::ApproveVolunteer(big),
            Cb::RejectVolunteer(big),
            Cb::SuspendVolunteer(big),
            Cb::ReinstateVolunteer(big),
            Cb::VolunteersPage(9_999),
            Cb::RemoveLead {
                user: big,
                region: 95,
            },
            Cb::BindRegion(95),
            Cb::PushAgain(big),
            Cb::AssignAsk(big),
            Cb::Assign {
                request: big,
                volunteer: big,
            },
            Cb::Reopen(big),
            Cb::CloseAs(big, CloseReason::Spam),
            Cb::RequestsPage(9_999),
            Cb::ExportRegion(95),
            Cb::DigestChart(95),
            Cb::Export {
                region: 95,
                range: 9,
            },
            Cb::ReceiptRight(big),
            Cb::ReceiptWrong(big),
            Cb::Repaid(big),
            Cb::Worried(big),
            Cb::Aftercare(big),
            Cb::CategoryAsk(big),
            Cb::SetCategory {
                request: big,
                category: 99,
            },
            Cb::PauseIntake(95),
            Cb::ResumeIntake(95),
            Cb::DeleteMe,
            Cb::DeleteKeep,
            Cb::OnMyWayAsk(big),
            Cb::OnMyWay(big, Eta::LaterToday),
            Cb::RelayStart(big),
            Cb::RelayPass(big),
            Cb::Share(big),
            Cb::Unshare(big),
            Cb::Follow(big),
            Cb::FollowDecline,
            Cb::Unfollow(big),
            Cb::Duty(DutyCb::Pause),
            Cb::Duty(DutyCb::Resume),
            Cb::Duty(DutyCb::QuietMenu),
            Cb::Duty(DutyCb::Quiet(0)),
            Cb::Duty(DutyCb::Quiet(4)),
            Cb::Duty(DutyCb::Urgent(true)),
            Cb::Duty(DutyCb::Urgent(false)),
            Cb::Duty(DutyCb::RepeatWeekly(big)),
            Cb::Duty(DutyCb::RepeatNo(big)),
            Cb::Duty(DutyCb::RepeatStop(big)),
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
            "qc:5",
            "qc:5:100",
            "qc:0:1",
            "qp:-1",
            "wt:5:4",
            "wt:5",
            "fo:",
            "fo:x",
            "fo:-1",
            "m:0",
            "du:",
            "du:x",
            "du:q5",
            "du:q-1",
            "du:u2",
            "du:w0",
            "du:s-3",
            "du:wabc",
            &"c:1".repeat(30),
        ] {
            assert_eq!(Cb::parse(data), None, "{data}");
        }
    }
}
