namespace Voting.Core.Elections;

/// <summary>Why a ballot is refused before it is recorded. Each maps to one problem type on HTTP.</summary>
public enum BallotRejection
{
    UnknownElection,
    ElectionNotOpenYet,
    ElectionClosed,
    UnknownState,
    UnknownCandidate,
}
