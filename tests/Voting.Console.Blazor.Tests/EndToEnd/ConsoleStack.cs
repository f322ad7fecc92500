using Microsoft.Playwright;
using StackExchange.Redis;
using Voting.Console.Blazor.Tests.Sources;
using Voting.Core.Ballots;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.TestSupport;

namespace Voting.Console.Blazor.Tests.EndToEnd;

/// <summary>
/// The console over the real stack with votes flowing: the real processor and audit service as
/// child processes on this test's own topics, databases, Redis keys and election, the console
/// beside them, and a headless Chromium from Debian driven by Playwright.
/// </summary>
public sealed class ConsoleStack : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>An account only the sign-in limit tests use (password <see cref="LocalPassword"/>), so their guesses hold back no other test.</summary>
    public const string WitnessAccount = "witness";
    public static readonly string[] Candidates = ["harper", "morgan", "reyes"];

    private readonly List<ChildService> children = [];

    public ConsoleStack()
    {
        Election = LocalStack.UniqueName("e");
        Kafka = LocalStack.Kafka(LocalStack.UniqueName("itc_e2e"));
        Kafka.ProcessorGroup = Kafka.VotesTopic + "-group";
        Shards = new MySqlShardConnections(LocalStack.MySql(LocalStack.UniqueName("itc") + "_s"));
        Tallies = new ClickHouseTallyStore(LocalStack.ClickHouse(LocalStack.UniqueName("itc")));
        RedisPrefix = LocalStack.UniqueName("itc") + ":";
    }

    public string Election { get; }

    public KafkaOptions Kafka { get; }

    public MySqlShardConnections Shards { get; }

    public ClickHouseTallyStore Tallies { get; }

    public string RedisPrefix { get; }

    public Uri ConsoleAddress => children[^1].BaseAddress;

    /// <summary>What each child process printed last, for failure messages.</summary>
    public string ChildOutput => string.Join("\n", children.Select(c => $"--- {c.BaseAddress}\n{c.RecentOutput}"));

    public Uri AuditAddress { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    /// <summary>Where page screenshots go: the test results folder, kept as the run's artifacts.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(RepositoryRoot.Path, "TestResults", "console-screenshots");

    private Dictionary<string, string> Environment()
    {
        var environment = PipelineEnvironment.For(
            Election, "End-to-end test election", Kafka, Shards.Options.DatabasePrefix, Tallies.Options.Database, RedisPrefix, TestVotes.PseudonymSecret, Candidates, devAccount: 4);
        environment["Voting__Console__ElectionId"] = Election;
        environment["Voting__Console__RefreshMilliseconds"] = "500";
        environment["Voting__Console__ShardRefreshMilliseconds"] = "1000";
        environment["Voting__Console__Access__RevalidateSeconds"] = "1";
        return environment;
    }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: 'deploy/local/stack.sh up' installs Debian's chromium");

        // The topics exist before the processor subscribes (a 0.9 broker creates them when first asked
        // for; a consumer subscribed to a missing topic only notices it at its next metadata refresh).
        using (var positions = new KafkaPositions(Kafka))
        {
            await EventuallyAsync(() => Task.FromResult(positions.Partitions(Kafka.VotesTopic).Count > 0 && positions.Partitions(Kafka.DeadLetterTopic).Count > 0), "the test's topics created");
        }

        // The audit service and the console compute no pseudonyms and, as deployed, get no secret.
        var processor = Start("Voting.Processor", Environment());
        var audit = Start("Voting.Audit", WithoutPseudonymSecret(Environment()));
        await processor.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        await audit.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        AuditAddress = audit.BaseAddress;
        var consoleEnvironment = WithoutPseudonymSecret(Environment());
        consoleEnvironment["Voting__Services__Audit"] = audit.BaseAddress.ToString();
        consoleEnvironment["Voting__Services__Processor"] = processor.BaseAddress.ToString();
        // The tests stand in for a proxy in front: their X-Forwarded-For names the client (the browser
        // sends none and is 127.0.0.1 itself).
        consoleEnvironment["Voting__Proxies__TrustedNetworks__0"] = "127.0.0.1/32";
        // An account of the sign-in limit tests alone, beside the local profile's three.
        consoleEnvironment["Voting__Console__Access__Users__3__Name"] = WitnessAccount;
        consoleEnvironment["Voting__Console__Access__Users__3__PasswordHash"] = Voting.Console.Blazor.Access.ConsoleUserDirectory.Hash(LocalPassword(WitnessAccount));
        consoleEnvironment["Voting__Console__Access__Users__3__Roles__0"] = Voting.Console.Blazor.Access.ConsoleRoles.Auditor;
        var console = Start("Voting.Console.Blazor", consoleEnvironment);
        await console.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Directory.CreateDirectory(ScreenshotFolder);
    }

    private static Dictionary<string, string> WithoutPseudonymSecret(Dictionary<string, string> environment)
    {
        Assert.True(environment.Remove("Voting__Elections__10__PseudonymSecret"));
        return environment;
    }

    private ChildService Start(string assembly, Dictionary<string, string> environment)
    {
        var child = ChildService.Start(assembly, environment);
        children.Add(child);
        return child;
    }

    /// <summary>A fresh browser (its own cookies) at <paramref name="path"/>, signed in when a user is given, with the page live.</summary>
    public async Task<IPage> OpenAsync(string path, string? user = null)
    {
        var profile = Directory.CreateTempSubdirectory("voting-console-browser-");
        var browser = await Playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            BaseURL = ConsoleAddress.ToString(),
            ViewportSize = new() { Width = 1400, Height = 1000 },
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        browsers.Add((browser, profile));
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        if (user is not null)
        {
            await page.GotoAsync("/account/login?returnUrl=" + Uri.EscapeDataString(path));
            await page.FillAsync("input[name=name]", user);
            await page.FillAsync("input[name=password]", LocalPassword(user));
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(new Uri(ConsoleAddress, path).ToString());
        }
        else
        {
            await page.GotoAsync(path);
        }

        return page;
    }

    /// <summary>Waits until the page is interactive over its circuit (prerendered pages ignore clicks before that).</summary>
    public static Task WaitUntilLiveAsync(IPage page) => page.Locator("[data-testid=live]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Waits for the page to be sent to sign in. A page that never gets there fails with where it
    /// stayed and whether its circuit was lost (Blazor's reconnect notice shown), not a bare timeout.
    /// </summary>
    public static async Task WaitForSignInPageAsync(IPage page)
    {
        try
        {
            await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal), new() { Timeout = 60_000 });
        }
        catch (TimeoutException timeout)
        {
            var reconnecting = await page.Locator("#components-reconnect-modal, .components-reconnect-show").CountAsync();
            throw new TimeoutException($"not sent to sign in within 60 s: the page stayed at {page.Url} (reconnect notice elements: {reconnecting})", timeout);
        }
    }

    /// <summary>The documented local accounts (deploy/config/voting.Local.json): user "x" has password "local-x".</summary>
    public static string LocalPassword(string user) => "local-" + user;

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    private readonly List<(IBrowserContext Browser, DirectoryInfo Profile)> browsers = [];

    public Task ProduceAsync(IEnumerable<VoteMessage> votes) => TopicWriter.ProduceAsync(Kafka, votes);

    public async Task<long> CountedAsync() => (await Tallies.CountsAsync(Election, CancellationToken.None)).Values.Sum();

    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60) => EventuallyAsync(condition, () => what, seconds);

    public static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what()}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Closes every browser opened so far: each keeps a live page re-rendering every half second,
    /// which a 2-core machine running three services beside them can't spare for long.
    /// </summary>
    public async Task CloseBrowsersAsync()
    {
        foreach (var (browser, profile) in browsers)
        {
            await browser.CloseAsync();
            profile.Delete(recursive: true);
        }

        browsers.Clear();
    }

    public async Task DisposeAsync()
    {
        await CloseBrowsersAsync();
        Playwright?.Dispose();
        foreach (var child in children)
        {
            await child.DisposeAsync();
        }

        await TestStores.DropAsync(Shards, Tallies);
        Tallies.Dispose();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(LocalStack.Redis().Configuration);
        await RedisKeys.DeleteAsync(redis, RedisPrefix);
    }
}
