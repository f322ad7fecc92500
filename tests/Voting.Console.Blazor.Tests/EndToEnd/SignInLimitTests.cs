using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.EndToEnd;

/// <summary>
/// Password guessing against the running console, as it arrives from a proxy in front: each attempt's
/// client is the address the proxy names in <c>X-Forwarded-For</c> (the stack trusts 127.0.0.1 as that proxy).
/// </summary>
[Collection(ConsoleStackCollection.Name)]
public sealed partial class SignInLimitTests(ConsoleStack stack)
{
    /// <summary>The local profile's refused sign-ins per address per window (<see cref="ConsoleAccessOptions.FailedSignInsPerWindow"/>).</summary>
    private static readonly int PerAddress = new ConsoleAccessOptions().FailedSignInsPerWindow;

    /// <summary>Sign-ins to one name from new addresses per window (<see cref="ConsoleAccessOptions.NewAddressSignInsPerAccount"/>).</summary>
    private static readonly int PerAccount = new ConsoleAccessOptions().NewAddressSignInsPerAccount;

    private static int nextAddress = Random.Shared.Next(1 << 20);

    [Fact]
    public async Task Wrong_passwords_from_one_client_behind_the_proxy_hold_back_that_client_and_no_other()
    {
        var guesser = NewAddress();
        for (var i = 0; i < PerAddress; i++)
        {
            // A new name each time: only the address's limit is reached here.
            Assert.Equal("failed", await SignInAsync(guesser, "guess-" + Guid.NewGuid().ToString("N")[..8], "wrong"));
        }

        Assert.Equal("throttled=address", await SignInAsync(guesser, "guess-" + Guid.NewGuid().ToString("N")[..8], "wrong"));

        // Writing another address into its own X-Forwarded-For does not help: the proxy appends the
        // address it saw, and only that part is believed.
        Assert.Equal("throttled=address", await SignInAsync(NewAddress() + ", " + guesser, "guess-x", "wrong"));

        // Everyone else behind the same proxy is still checked, and signs in.
        Assert.Equal("failed", await SignInAsync(NewAddress(), "guess-y", "wrong"));
        // (Not the witness account: the other test counts its sign-ins from new addresses.)
        Assert.Equal("signed in", await SignInAsync(NewAddress(), ConsoleRoles.Auditor, ConsoleStack.LocalPassword(ConsoleRoles.Auditor)));
    }

    [Fact]
    public async Task Guesses_at_one_account_from_many_addresses_stop_at_its_limit_but_never_hold_back_its_usual_address()
    {
        var account = ConsoleStack.WitnessAccount;
        var password = ConsoleStack.LocalPassword(account);
        var usual = NewAddress();
        Assert.Equal("signed in", await SignInAsync(usual, account, password)); // counts as one of the window's new addresses

        for (var i = 1; i < PerAccount; i++)
        {
            Assert.Equal("failed", await SignInAsync(NewAddress(), account.ToUpperInvariant(), "guess " + i));
        }

        // The limit reached: from a new address the account is not even checked, the right password included.
        Assert.Equal("throttled=account", await SignInAsync(NewAddress(), account, "guess again"));
        Assert.Equal("throttled=account", await SignInAsync(NewAddress(), account, password));

        // From where its user signed in before: checked as ever, and signed in.
        Assert.Equal("failed", await SignInAsync(usual, account, "a typo"));
        Assert.Equal("signed in", await SignInAsync(usual, account, password));

        // A name that is no account is held back just the same: the answers don't tell which names exist.
        var nobody = "nobody-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < PerAccount; i++)
        {
            Assert.Equal("failed", await SignInAsync(NewAddress(), nobody, "guess " + i));
        }

        Assert.Equal("throttled=account", await SignInAsync(NewAddress(), nobody, "guess again"));
    }

    [Theory]
    [InlineData(AccountEndpoints.ThrottledAddress, "login-throttled", "Too many wrong sign-ins from this address")]
    [InlineData(AccountEndpoints.ThrottledAccount, "login-throttled-account", "Too many sign-ins to this account from new addresses")]
    public async Task The_sign_in_page_says_which_limit_held_the_attempt_back(string limit, string testId, string message)
    {
        using var http = new HttpClient { BaseAddress = stack.ConsoleAddress };
        var page = await http.GetStringAsync(new Uri($"{AccountEndpoints.LoginPath}?throttled={limit}&returnUrl=%2F", UriKind.Relative));
        var notice = Regex.Match(page, $"data-testid=\"{testId}\">([^<]*)<");
        Assert.True(notice.Success, $"no {testId} notice on the page");
        Assert.StartsWith(message, WebUtility.HtmlDecode(notice.Groups[1].Value), StringComparison.Ordinal);
        Assert.Single(Regex.Matches(page, "data-testid=\"login-throttled"));
    }

    /// <summary>An address of the benchmarking range (198.18.0.0/15) no other attempt uses.</summary>
    private static string NewAddress()
    {
        var n = Interlocked.Increment(ref nextAddress) & 0x1FFFF;
        return string.Create(CultureInfo.InvariantCulture, $"198.{18 + (n >> 16)}.{(n >> 8) & 0xFF}.{n & 0xFF}");
    }

    /// <summary>
    /// Signs in with the sign-in page's own form (its antiforgery token, in a fresh browser-less client)
    /// as a client the proxy names; what the console answered: "signed in", "failed" or "throttled=…".
    /// </summary>
    private async Task<string> SignInAsync(string forwardedFor, string name, string password)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = stack.ConsoleAddress };
        var form = await http.GetStringAsync(new Uri(AccountEndpoints.LoginPath, UriKind.Relative));
        var field = AntiforgeryField().Match(form);
        Assert.True(field.Success, "the sign-in page has no antiforgery token");
        var token = FieldValue().Match(field.Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(AccountEndpoints.LoginPath, UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = name,
                ["password"] = password,
                ["returnUrl"] = "/anchors",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location?.OriginalString ?? "";
        if (location == "/anchors")
        {
            return "signed in";
        }

        var answer = Regex.Match(location, @"^/account/login\?(failed=1|throttled=\w+)&");
        Assert.True(answer.Success, $"unexpected redirect after sign-in: {location}");
        return answer.Groups[1].Value == "failed=1" ? "failed" : answer.Groups[1].Value;
    }

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*>""")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"value=""([^""]*)""")]
    private static partial Regex FieldValue();
}
