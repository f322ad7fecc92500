using System.Net;

namespace Voting.Simulator.Tests;

public sealed class SimulationTallyTests
{
    [Fact]
    public void Answers_are_counted_by_what_they_mean_for_the_voter()
    {
        var tally = new SimulationTally();
        foreach (var (status, kind) in new (HttpStatusCode?, BallotKind)[]
                 {
                     (HttpStatusCode.Conflict, BallotKind.SecondAfterAccepted), (HttpStatusCode.Conflict, BallotKind.Second),
                     (HttpStatusCode.Accepted, BallotKind.Second),
                     (HttpStatusCode.BadRequest, BallotKind.Malformed), (HttpStatusCode.UnprocessableEntity, BallotKind.Malformed),
                     (HttpStatusCode.RequestEntityTooLarge, BallotKind.Malformed), (HttpStatusCode.TooManyRequests, BallotKind.Valid),
                     (HttpStatusCode.ServiceUnavailable, BallotKind.Valid), (null, BallotKind.Valid),
                     (HttpStatusCode.Unauthorized, BallotKind.Valid), (HttpStatusCode.NotFound, BallotKind.Valid), (HttpStatusCode.UnsupportedMediaType, BallotKind.Valid),
                 })
        {
            tally.Record(status, kind);
        }

        // 401, 404 and 415 are the run going wrong (a key ingest can't verify, a wrong URL), not a refused ballot.
        Assert.Equal((1, 2, 3, 1, 5, 0), (tally.Accepted, tally.Duplicates, tally.Refused, tally.Throttled, tally.Failed, tally.Wrong));
        Assert.Equal(12, tally.Total);
    }

    [Theory]
    [InlineData(HttpStatusCode.Accepted, BallotKind.SecondAfterAccepted)] // the voter counted twice
    [InlineData(HttpStatusCode.Accepted, BallotKind.Malformed)]
    [InlineData(HttpStatusCode.Conflict, BallotKind.Valid)] // a new voter refused as having voted
    [InlineData(HttpStatusCode.Conflict, BallotKind.Malformed)]
    [InlineData(HttpStatusCode.BadRequest, BallotKind.Valid)]
    [InlineData(HttpStatusCode.UnprocessableEntity, BallotKind.Valid)]
    public void An_answer_that_contradicts_the_guarantees_is_a_wrong_answer_and_a_failure(HttpStatusCode status, BallotKind kind)
    {
        var tally = new SimulationTally();

        tally.Record(status, kind);

        Assert.Equal((0, 0, 0, 1, 1), (tally.Accepted, tally.Duplicates, tally.Refused, tally.Failed, tally.Wrong));
        Assert.Equal(SimulationTally.AcceptanceIsRight(kind), kind is BallotKind.Valid or BallotKind.Second);
    }
}
