using System.Net;

namespace Voting.Simulator.Tests;

public sealed class SimulationTallyTests
{
    [Fact]
    public void Answers_are_counted_by_what_they_mean_for_the_voter()
    {
        var tally = new SimulationTally();
        foreach (var status in new HttpStatusCode?[]
                 {
                     HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Conflict, HttpStatusCode.BadRequest,
                     HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable, null,
                     HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.UnsupportedMediaType,
                 })
        {
            tally.Record(status);
        }

        // 401, 404 and 415 are the run going wrong (a key ingest can't verify, a wrong URL), not a refused ballot.
        Assert.Equal((2, 1, 3, 1, 5), (tally.Accepted, tally.Duplicates, tally.Refused, tally.Throttled, tally.Failed));
        Assert.Equal(12, tally.Total);
    }
}
