using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Voting.Results.Tests;

/// <summary>
/// Lookups that reach the stores on every request (a voter's vote, a receipt's status) are limited per
/// client address; the cached results are not.
/// </summary>
public sealed class LookupRateLimitTests
{
    [Fact]
    public async Task Past_its_burst_a_client_gets_429_with_Retry_After_for_lookups_and_still_gets_results()
    {
        await using var factory = new ResultsFactory();
        factory.Settings["Voting:Results:PerClientLookupsPerSecond"] = "1";
        factory.Settings["Voting:Results:PerClientLookupBurst"] = "2";
        using var client = factory.CreateClient();
        await Voting.TestSupport.ServiceReadiness.WaitUntilHealthyAsync(client, TimeSpan.FromSeconds(90));
        var receipt = new Uri($"/api/v1/receipts/{new string('a', 64)}", UriKind.Relative);

        // A burst of 2, one more a second: within a dozen quick lookups some are refused.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 12 && limited is null; i++)
        {
            var response = await client.GetAsync(receipt);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.True(limited is not null, $"no lookup refused: {string.Join(", ", statuses)}");
        Assert.True(statuses.Count >= 3, "the burst of 2 was not served before the first refusal");
        using (limited)
        {
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            Assert.Contains("urn:voting:problem:rate-limited", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        }

        // A voter's own lookup shares the bucket, and is refused before its token is even checked
        // (without one it would be 401).
        var voteStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12 && !voteStatuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            using var vote = await client.GetAsync(new Uri("/api/v1/votes/alice", UriKind.Relative));
            voteStatuses.Add(vote.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, voteStatuses);

        for (var i = 0; i < 5; i++)
        {
            using var results = await client.GetAsync(new Uri("/api/v1/results", UriKind.Relative));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, results.StatusCode);
        }
    }

    [Fact]
    public void A_burst_smaller_than_a_seconds_lookups_is_refused_at_start()
    {
        var options = new ResultsOptions { PerClientLookupsPerSecond = 10, PerClientLookupBurst = 5 };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.StartsWith("PerClientLookupBurst (5) must be at least PerClientLookupsPerSecond (10)", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }
}
