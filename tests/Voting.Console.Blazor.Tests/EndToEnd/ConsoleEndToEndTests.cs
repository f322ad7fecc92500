using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Voting.Console.Blazor.Pipeline;
using Voting.Console.Blazor.Tests.Sources;
using Voting.Core.Audit;
using Voting.Core.Ballots;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.Storage;

namespace Voting.Console.Blazor.Tests.EndToEnd;

/// <summary>The console in a real headless browser over the real stack, as officials, operators and auditors use it.</summary>
[Collection(ConsoleStackCollection.Name)]
public sealed class ConsoleEndToEndTests(ConsoleStack stack) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    // The tests of a class run one at a time: the browsers one opened are done with when it ends.
    public Task DisposeAsync() => stack.CloseBrowsersAsync();

    private static readonly string[] States = ["OH", "PA", "CA", "TX", "WY"];

    private static List<VoteMessage> Votes(string election, string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => TestVotes.For(election, $"{prefix}-{i}", States[i % States.Length], ConsoleStack.Candidates[i % 3]))];

    private static async Task<long> NationalTotalOnScreenAsync(IPage page) =>
        long.Parse((await page.Locator("[data-testid=national] [data-testid=total-ballots]").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_official_sees_the_tallies_change_on_screen_without_reloading()
    {
        var page = await stack.OpenAsync("/results", "official");
        await ConsoleStack.WaitUntilLiveAsync(page);
        var before = await SettledCountAsync();
        await ConsoleStack.EventuallyAsync(async () => await NationalTotalOnScreenAsync(page) == before, $"the screen showing the {before} votes counted so far");

        await stack.ProduceAsync(Votes(stack.Election, "live-" + Guid.NewGuid().ToString("N")[..6], 7));

        // No reload, no navigation: the circuit pushes the new counts.
        await ConsoleStack.EventuallyAsync(async () => await NationalTotalOnScreenAsync(page) == before + 7, $"the national total reaching {before + 7} on screen");
        Assert.Equal(before + 7, await stack.CountedAsync());
        // Ohio's row shows Ohio's count (ClickHouse's), and the national card draws its charts.
        var ohio = (await stack.Tallies.CountsAsync(stack.Election, CancellationToken.None)).Where(c => c.Key.State == "OH").Sum(c => c.Value);
        var ohioRow = page.Locator("[data-testid=state-table] tr", new() { Has = page.Locator("[data-state=OH]") });
        await ConsoleStack.EventuallyAsync(
            async () => (await ohioRow.Locator("[data-testid=state-ballots]").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal) == ohio.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"Ohio's row showing its {ohio} ballots");
        Assert.True(ohio < before + 7, "Ohio's count differs from the national one");
        await page.Locator("[data-testid=national] .mud-chart svg").First.WaitForAsync();
        await ConsoleStack.ScreenshotAsync(page, "results");
    }

    [Fact]
    public async Task An_operator_replays_a_dead_letter_from_the_console_and_its_vote_then_counts_once()
    {
        // A valid vote dead-lettered by an earlier processor release (say, a bug since fixed).
        var vote = TestVotes.For(stack.Election, "dead-" + Guid.NewGuid().ToString("N")[..6], "PA", "morgan");
        var error = "refused by processor 0.9-rc1 " + Guid.NewGuid().ToString("N")[..6];
        using (var deadLetters = new DeadLetterProducer(stack.Kafka))
        {
            await deadLetters.SendAsync(
                new DeadLetter(stack.Kafka.VotesTopic, 0, 0, error, vote.Pseudonym, JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.VoteMessage), DateTimeOffset.UtcNow),
                CancellationToken.None);
        }

        await stack.ProduceAsync(Votes(stack.Election, "bg-" + Guid.NewGuid().ToString("N")[..6], 3));
        Assert.Null(await new MerkleLogReader(stack.Shards).FindAsync(vote.BallotHash, CancellationToken.None));
        var before = await SettledCountAsync(); // caught up on Kafka is not enough: the tallies must have reached ClickHouse too

        var page = await stack.OpenAsync("/dead-letters", "operator");
        await ConsoleStack.WaitUntilLiveAsync(page);
        var row = page.Locator("tr[data-letter]", new() { HasText = error });
        await row.WaitForAsync();
        Assert.Equal("—", await row.Locator("[data-testid=replayed]").InnerTextAsync());
        Assert.DoesNotContain("morgan", await row.InnerTextAsync(), StringComparison.Ordinal); // the ballot is masked
        await ConsoleStack.ScreenshotAsync(page, "dead-letters");

        await row.Locator("[data-testid=replay]").ClickAsync();
        await page.Locator(".mud-dialog button", new() { HasText = "Replay" }).ClickAsync();
        await page.Locator(".mud-snackbar", new() { HasText = "Replayed 1 dead letter" }).WaitForAsync();
        await ConsoleStack.EventuallyAsync(async () => await row.Locator("[data-testid=replayed]").InnerTextAsync() != "—", "the letter marked replayed");

        await ConsoleStack.EventuallyAsync(async () => await stack.CountedAsync() == before + 1, () =>
            $"the replayed vote counted (counted {stack.CountedAsync().GetAwaiter().GetResult()}, before {before}; votes topic end {VotesTopicEndAsync().GetAwaiter().GetResult()}; "
            + $"in log: {new MerkleLogReader(stack.Shards).FindAsync(vote.BallotHash, CancellationToken.None).GetAwaiter().GetResult() is not null}; "
            + $"caught up: {ProcessorCaughtUpAsync().GetAwaiter().GetResult()})\n{stack.ChildOutput}");
        Assert.NotNull(await new MerkleLogReader(stack.Shards).FindAsync(vote.BallotHash, CancellationToken.None));

        // Replayed again, with a double click (an impatient operator): one question, one replay, still one ballot.
        var votesEnd = await VotesTopicEndAsync();
        await page.Locator(".mud-snackbar").First.WaitForAsync(new() { State = WaitForSelectorState.Detached }); // the first confirmation gone
        await row.Locator("[data-testid=replay]").DblClickAsync();
        await page.Locator(".mud-dialog button", new() { HasText = "Replay" }).First.WaitForAsync();
        await Task.Delay(500); // a second dialog, had the second click opened one, is shown by now
        Assert.Equal(1, await page.Locator(".mud-dialog").CountAsync());
        await page.Locator(".mud-dialog button", new() { HasText = "Replay" }).ClickAsync();
        // The confirmation is read while it shows: a snackbar hides itself after a few seconds, which
        // waiting for the processor below can outlast (one CI run failed reading it afterwards).
        await page.Locator(".mud-snackbar", new() { HasText = "Replayed 1 dead letter" }).WaitForAsync();
        var replays = 0L;
        await ConsoleStack.EventuallyAsync(async () => (replays = await VotesTopicEndAsync()) == votesEnd + 1 && await ProcessorCaughtUpAsync(),
            () => $"the second replay on the votes topic ({replays - votesEnd} new) and processed; lag {string.Join(", ", lastLags.Where(l => l.Lag > 0))}");
        Assert.Equal(before + 1, await SettledCountAsync());
        await ConsoleStack.ScreenshotAsync(page, "dead-letters-replayed");

        // The other operator pages, live over the same stack.
        await page.GotoAsync("/pipeline");
        await page.Locator("[data-testid=lag-table] tr[data-group]").First.WaitForAsync();
        // This test's letter is the only one in the stack's dead-letter topic.
        await ConsoleStack.EventuallyAsync(async () => await page.Locator("[data-testid=dead-letter-count]").InnerTextAsync() == "1", "the dead letter counted on the pipeline page");
        await ConsoleStack.ScreenshotAsync(page, "pipeline");
        await page.GotoAsync("/shards");
        await ConsoleStack.EventuallyAsync(async () => (await page.Locator("[data-testid=total-rows]").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal) == (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "the shards page counting every stored ballot");
        Assert.Equal(16, await page.Locator("[data-testid=shard-grid] tr[data-shard]").CountAsync());
        await ConsoleStack.ScreenshotAsync(page, "shards");
    }

    [Fact]
    public async Task A_receipt_verifies_against_the_chain_in_the_proof_viewer()
    {
        var vote = Votes(stack.Election, "proof-" + Guid.NewGuid().ToString("N")[..6], 5)[2];
        await stack.ProduceAsync([vote]);
        var receipt = Convert.ToHexStringLower(vote.BallotHash);
        using var audit = new HttpClient { BaseAddress = stack.AuditAddress };
        await ConsoleStack.EventuallyAsync(async () =>
        {
            using var response = await audit.GetAsync(new Uri($"/api/v1/audit/receipts/{receipt}/proof", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }, "the receipt anchored", 90);
        var proof = (await audit.GetFromJsonAsync($"/api/v1/audit/receipts/{receipt}/proof", AuditJsonContext.Default.InclusionProofDocument))!;

        var page = await stack.OpenAsync("/proof"); // voters need no account
        await ConsoleStack.WaitUntilLiveAsync(page);
        await page.Locator("input").First.FillAsync(receipt);
        await page.ClickAsync("[data-testid=check-receipt]");

        var verdict = page.Locator("[data-testid=proof-verdict]");
        await verdict.WaitForAsync();
        Assert.Equal("Valid", await verdict.GetAttributeAsync("data-verdict"));
        // The page fetched its own proof, perhaps against a checkpoint anchored since the one above: one
        // level per step of the path from this leaf in a tree of the size it names.
        var position = page.Locator("[data-testid=proof-position]");
        var (leaf, size) = (long.Parse((await position.GetAttributeAsync("data-leaf"))!, CultureInfo.InvariantCulture), long.Parse((await position.GetAttributeAsync("data-tree-size"))!, CultureInfo.InvariantCulture));
        Assert.Equal(proof.LeafIndex, leaf);
        Assert.True(size >= proof.TreeSize, $"the page's proof is of a tree of {size}, older than the {proof.TreeSize} anchored before");
        Assert.Equal(InclusionPathLength(leaf, size), await page.Locator(".proof-level").CountAsync());
        Assert.Equal(await page.Locator("[data-testid=chain-root]").InnerTextAsync(), await page.Locator("[data-testid=computed-root]").InnerTextAsync());
        await ConsoleStack.ScreenshotAsync(page, "proof-viewer");

        // A receipt that was never cast can't be checked; it is not called valid.
        await page.Locator("input").First.FillAsync(new string('a', 64));
        await page.ClickAsync("[data-testid=check-receipt]");
        await ConsoleStack.EventuallyAsync(async () => await verdict.GetAttributeAsync("data-verdict") == "CannotCheck", "the unknown receipt refused");
    }

    [Fact]
    public async Task An_auditor_sees_the_anchors_and_runs_an_audit_from_the_console()
    {
        await stack.ProduceAsync(Votes(stack.Election, "audit-" + Guid.NewGuid().ToString("N")[..6], 4));
        var page = await stack.OpenAsync("/anchors", "auditor");
        await ConsoleStack.WaitUntilLiveAsync(page);
        await page.Locator("[data-testid=checkpoints] tr[data-status=anchored]").First.WaitForAsync(new() { Timeout = 90_000 });

        await page.ClickAsync("[data-testid=run-audit]");

        var report = page.Locator("[data-testid=audit-report]");
        await report.WaitForAsync(new() { Timeout = 90_000 });
        Assert.Equal("true", await report.GetAttributeAsync("data-clean"));
        await ConsoleStack.ScreenshotAsync(page, "anchors");
    }

    [Fact]
    public async Task Each_role_opens_only_its_own_pages()
    {
        // An operator can't open the auditors' page, and has no link to it.
        var page = await stack.OpenAsync("/pipeline", "operator");
        await ConsoleStack.WaitUntilLiveAsync(page);
        Assert.Equal(0, await page.Locator(".mud-navmenu a[href='/anchors']").CountAsync());
        Assert.Equal(1, await page.Locator(".mud-navmenu a[href='/dead-letters']").CountAsync());
        await page.GotoAsync("/anchors");
        await page.Locator("[data-testid=access-denied]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=checkpoints]").CountAsync());
        await ConsoleStack.ScreenshotAsync(page, "access-denied");

        // Nor can an official open the operators' dead letters, where replays are sent from.
        var official = await stack.OpenAsync("/results", "official");
        await ConsoleStack.WaitUntilLiveAsync(official);
        await official.GotoAsync("/dead-letters");
        await official.Locator("[data-testid=access-denied]").WaitForAsync();
        Assert.Equal(0, await official.Locator("[data-testid=dead-letter-table]").CountAsync());
        Assert.Equal(0, await official.Locator("[data-testid=replay-all]").CountAsync());
        await stack.CloseBrowsersAsync();

        // A visitor of the open proof viewer navigating inside the live page (no new request) is
        // stopped by the router: sent to sign in, never shown the dead letters.
        var visitor = await stack.OpenAsync("/proof");
        await ConsoleStack.WaitUntilLiveAsync(visitor);
        await visitor.EvaluateAsync("Blazor.navigateTo('/dead-letters')");
        await ConsoleStack.WaitForSignInPageAsync(visitor);
        Assert.Equal(0, await visitor.Locator("[data-testid=dead-letter-table]").CountAsync());

        // Not signed in: sent to sign in; a wrong password is refused.
        var anonymous = await stack.OpenAsync("/results");
        await ConsoleStack.WaitForSignInPageAsync(anonymous);
        await ConsoleStack.ScreenshotAsync(anonymous, "sign-in");
        await anonymous.FillAsync("input[name=name]", "official");
        await anonymous.FillAsync("input[name=password]", "not the password");
        await anonymous.ClickAsync("button[type=submit]");
        await anonymous.Locator("[data-testid=login-failed]").WaitForAsync();

        // The overview is for every signed-in role.
        var overview = await stack.OpenAsync("/", "auditor");
        // This stack runs the processor and the audit service (not ingest or results): both answer.
        await ConsoleStack.EventuallyAsync(
            async () => await overview.Locator("[data-service]").CountAsync() == 4
                        && await overview.Locator("[data-service=Processor] [data-status=Healthy]").CountAsync() == 1
                        && await overview.Locator("[data-service=Audit] [data-status=Healthy]").CountAsync() == 1,
            "the overview showing the four services, the processor and the audit service healthy");
        Assert.Equal(1, await overview.Locator("[data-service=Ingest] [data-status=Unreachable]").CountAsync());
        await ConsoleStack.ScreenshotAsync(overview, "overview");
    }

    [Fact]
    public async Task Signing_out_in_one_tab_ends_the_session_in_the_others_and_for_a_copied_cookie()
    {
        var page = await stack.OpenAsync("/dead-letters", "operator");
        await ConsoleStack.WaitUntilLiveAsync(page);
        var cookies = string.Join("; ", (await page.Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookiesAsync("/dead-letters", cookies));

        // Another site's form posting to sign-out (the cookie, no antiforgery token) signs no one out.
        using (var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        using (var http = new HttpClient(handler) { BaseAddress = stack.ConsoleAddress })
        using (var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("/account/logout", UriKind.Relative)) { Content = new FormUrlEncodedContent([]) })
        {
            forged.Headers.Add("Cookie", cookies);
            using var refused = await http.SendAsync(forged);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusWithCookiesAsync("/dead-letters", cookies));

        // Another tab of the same browser signs out; the first tab's page stays open, never reloaded.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync("/");
        await other.ClickAsync("form[action='/account/logout'] button[type=submit]");
        await ConsoleStack.WaitForSignInPageAsync(other);

        // Its circuit loses the operator's rights at its next check and sends it to sign in.
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal), new() { Timeout = 20_000 });
        Assert.Equal(0, await page.Locator("[data-testid=replay-all]").CountAsync());

        // The cookie copied before the sign-out opens nothing any more.
        Assert.Equal(HttpStatusCode.Redirect, await StatusWithCookiesAsync("/dead-letters", cookies));

        // Signing out again from a page of the ended session (its form's token made for the operator)
        // just leads to the sign-in page: nothing is left to end.
        using (var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        using (var http = new HttpClient(handler) { BaseAddress = stack.ConsoleAddress })
        using (var stale = new HttpRequestMessage(HttpMethod.Post, new Uri("/account/logout", UriKind.Relative)) { Content = new FormUrlEncodedContent([]) })
        {
            stale.Headers.Add("Cookie", cookies);
            using var ended = await http.SendAsync(stale);
            Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
            Assert.EndsWith("/account/login", ended.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        // Signing in again starts a new session.
        var again = await stack.OpenAsync("/dead-letters", "operator");
        await again.Locator("[data-testid=replay-all]").WaitForAsync();
    }

    private async Task<HttpStatusCode> StatusWithCookiesAsync(string path, string cookies)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = stack.ConsoleAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookies);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("/account/login", StringComparison.Ordinal) == true,
            $"redirected elsewhere than to sign in: {response.Headers.Location}");
        return response.StatusCode;
    }

    private IEnumerable<PartitionLag> lastLags = [];

    /// <summary>
    /// The count once everything produced so far is processed and its tallies shipped (ClickHouse
    /// equals MySQL), so a test's own votes are measured from a fixed point.
    /// </summary>
    private async Task<long> SettledCountAsync()
    {
        // Reconciliation counts tallies still in the outbox as shipped; here they must be in ClickHouse.
        var reconciliation = new TallyReconciliation(stack.Shards, stack.Tallies);
        long stored = -1, counted = -2;
        await ConsoleStack.EventuallyAsync(
            async () => await ProcessorCaughtUpAsync()
                && (stored = (await reconciliation.MySqlCountsAsync(stack.Election, CancellationToken.None)).Values.Sum()) == (counted = await stack.CountedAsync()),
            () => $"the processor idle and its tallies shipped (stored {stored}, in ClickHouse {counted}); lag " + string.Join(", ", lastLags.Where(l => l.Lag > 0)) + "\n" + stack.ChildOutput);
        return counted;
    }

    private Task<long> VotesTopicEndAsync() => Task.Run(() =>
    {
        using var positions = new KafkaPositions(stack.Kafka);
        return positions.Partitions(stack.Kafka.VotesTopic).Sum(p => positions.Watermarks(p).High.Value);
    });

    private async Task<bool> ProcessorCaughtUpAsync()
    {
        using var positions = new KafkaPositions(stack.Kafka);
        var snapshot = await new PipelineSource(positions, Microsoft.Extensions.Options.Options.Create(new ConsoleOptions())).ReadAsync(CancellationToken.None);
        lastLags = snapshot.Lags;
        return snapshot.Lags.Where(l => l.Group == stack.Kafka.ProcessorGroup).All(l => l.Lag == 0);
    }

    /// <summary>RFC 6962's PATH(m, D[n]): one sibling per split of the tree on the way down to leaf m.</summary>
    private static int InclusionPathLength(long leaf, long size)
    {
        var steps = 0;
        while (size > 1)
        {
            var split = 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(size - 1))); // the largest power of two below size
            (leaf, size) = leaf < split ? (leaf, split) : (leaf - split, size - split);
            steps++;
        }

        return steps;
    }
}
