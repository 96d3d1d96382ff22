// Package synth generates realistic, deterministic synthetic Entra ID and Microsoft Sentinel
// logs with labelled attack scenarios, for socfeed's demo and tests.
//
// [Generate] builds a tenant (contoso.com: users with home offices, time zones, desktops and
// phones; a few administrators with PIM-eligible roles; service principals; conditional
// access policies), writes its baseline activity for [Options.Days] days ending on
// [Options.End], plants the scenarios [Options.Scenarios] names, and writes every table plus
// labels.json (a [Labels]) to a [Sink]. [WriteDir] does the same into a directory. The same
// [Options] always give the same bytes: all randomness comes from one PCG seeded with
// [Options.Seed] and the default end date is fixed.
//
// Tables ([Tables]): SigninLogs, AADNonInteractiveUserSignInLogs,
// AADServicePrincipalSignInLogs, AuditLogs, SecurityAlert, AADUserRiskEvents, AADRiskyUsers
// and IdentityInfo. Every row has every column of the table's schema (package schema) with a
// value of the column's type: a column typed string that holds JSON in Log Analytics
// (AuthenticationDetails, or DeviceDetail in AADNonInteractiveUserSignInLogs) holds JSON text;
// a dynamic column holds a JSON value. Rows are identified in labels.json by Id
// (SystemAlertId in SecurityAlert; _ItemId in IdentityInfo and AADRiskyUsers, whose
// rows are per-user snapshots).
//
// Baseline: working-hours interactive sign-ins to first-party apps (Azure Portal, Microsoft
// Office, Teams, Outlook, OWA, OneDrive, Azure CLI and PowerShell for admins and engineers)
// from office, home and carrier networks; background token refreshes; benign failures (a
// mistyped password 50126, the keep-me-signed-in interrupt 50140, MFA required 50074, expired
// grants 50173 and 70044); business trips at plausible speed with no sign-ins on travel
// days; admins activating roles through PIM and changing users and groups; an HR
// provisioning app updating users; service principals signing in on a schedule.
//
// Scenarios, each with the near misses a good rule must not fire on (labels.json lists both,
// with techniques, the detecting rule ids, and row ids per table):
//
//   - unfamiliar-signin-role-change (T1078.004, T1110.001, T1098.003; the seed hunting query
//     [SeedRuleID]): four Azure Portal 50126 failures for an admin from a foreign IP, a
//     successful sign-in with RiskEventTypes_V2 unfamiliarFeatures, the IPC alert
//     "Unfamiliar sign-in properties" naming the account in Entities, non-interactive
//     refreshes, then the same account adds a user and adds it to Exchange Administrator.
//     The same chain also hits Maria.Lopez@contoso.com, an admin synced from on-premises AD
//     whose UPN keeps its capitals: her rows belong to the scenario and form the near miss
//     mixed-case-upn, since the seed query lower-cases the alert's account and joins it
//     case-sensitively with SigninLogs' UserPrincipalName, so Kusto does not return her.
//     Near misses: unfamiliar-alert-only (an alert, nothing else); portal-typo-then-pim (an
//     admin's Azure Portal 50126 and a PIM activation, no alert); mixed-case-upn.
//   - password-spray (T1110.003): one IP, 25 accounts, one or two 50126 each (one 50053).
//     Near miss: spray-below-threshold (three accounts).
//   - brute-force-success (T1110.001): 25 × 50126 on one account from one IP, then 0.
//     Near miss: typo-then-success (three failures at the office, then success).
//   - mfa-fatigue (T1621): twelve 500121 ("MFA denied; user declined the authentication" or
//     did not respond) then success. Near miss: single-mfa-denial.
//   - impossible-travel (T1078.004): successful sign-ins from the home office and a city
//     thousands of kilometres away 25 minutes apart; AADUserRiskEvents unlikelyTravel and
//     the IPC alert "Atypical travel". Near miss: plausible-travel (under 900 km/h).
//   - anonymous-ip-signin (T1090.003, T1078.004): a sign-in from a Tor exit with
//     RiskEventTypes_V2 anonymizedIPAddress, a risk event and the alert "Anonymous IP
//     address". Near miss: corporate-vpn (a foreign VPN egress, no risk).
//   - role-assigned-outside-pim (T1098.003): Core Directory "Add member to role" by a user,
//     target role Global Administrator, with no PIM records. Near miss: pim-activation (PIM
//     request and completion plus the MS-PIM app's "Add member to role").
//   - illicit-consent-grant (T1528): "Add service principal", "Add delegated permission
//     grant" and "Consent to application" for an unverified app asking for Mail.Read,
//     Mail.Send and Files.ReadWrite.All, then the app's non-interactive sign-ins from a
//     hosting IP. Near miss: first-party-consent (Microsoft Graph Command Line Tools,
//     User.Read).
//   - sp-credential-added (T1098.001): "Update application – Certificates and secrets
//     management " (the trailing space is in real data) and "Add service principal
//     credentials" from a foreign IP, then service principal sign-ins from there with the
//     new key id. Near miss: expired-secret-removed.
//   - ca-policy-weakened (T1556.009): "Update conditional access policy" with
//     modifiedProperties ConditionalAccessPolicy state enabled → disabled, and a user added
//     to another policy's excludeUsers. Near miss: ca-policy-enforced (report-only → enabled).
//   - guest-invited-used (T1136.003, T1078.004): "Add user" and "Invite external user" for a
//     personal mailbox, "Redeem external user invite" and the guest's first sign-ins
//     (UserType Guest) from abroad within the hour. Near miss: guest-invited-not-used.
//
// Labels are exact: the data with every scenario, minus the rows labels.json names, is
// byte for byte the data with none (scenarios draw from their own random stream). Near misses
// that involve places (unfamiliar-alert-only, plausible-travel, corporate-vpn) are given to
// travellers or to users living nearby so that they do not look like impossible travel
// either. Attack sign-ins from abroad do: an impossible-travel rule also fires on several
// scenarios' rows, which are attacks all the same.
//
// Formats ([Format]): la (Log Analytics rows as JSON lines), diagnostic (diagnostic-settings
// envelopes with Microsoft Graph properties), graph (Graph API pages) and csv (portal
// exports). Tables without a diagnostic or Graph export are written as la.
package synth
