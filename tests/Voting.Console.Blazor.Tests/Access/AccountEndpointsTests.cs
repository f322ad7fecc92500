using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.Access;

public sealed class AccountEndpointsTests
{
    [Theory]
    [InlineData("/results", "/results")]
    [InlineData("/dead-letters?x=1", "/dead-letters?x=1")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("/account/login", "/")]
    public void After_sign_in_only_local_pages_are_returned_to(string? asked, string expected) =>
        Assert.Equal(expected, AccountEndpoints.SafeReturnUrl(asked));

    [Fact]
    public void The_hash_command_hashes_a_password_from_standard_input()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, PasswordHashCommand.Run([], new StringReader("a long enough password\n"), output, error, interactive: false));

        var hash = output.ToString().Trim();
        Assert.Empty(error.ToString());
        var directory = new ConsoleUserDirectory(Microsoft.Extensions.Options.Options.Create(new ConsoleAccessOptions
        {
            Users = [new() { Name = "u", PasswordHash = hash, Roles = [ConsoleRoles.Auditor] }],
        }));
        Assert.NotNull(directory.SignIn("u", "a long enough password"));
    }

    [Fact]
    public void The_hash_command_refuses_a_short_password_with_one_line_and_exit_2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, PasswordHashCommand.Run([], new StringReader("short\n"), output, error, interactive: false));

        Assert.Empty(output.ToString());
        Assert.Single(error.ToString().Trim().Split('\n'));
    }

    [Fact]
    public void The_hash_command_refuses_a_password_given_as_an_argument_and_reads_nothing()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var input = new StringReader("a long enough password\n");

        Assert.Equal(2, PasswordHashCommand.Run(["secret123"], input, output, error, interactive: false));

        Assert.Empty(output.ToString());
        Assert.Equal("hash-password: takes no arguments; give the password on standard input (an argument shows in the process list)", error.ToString().Trim());
        Assert.Equal("a long enough password", input.ReadLine()); // not consumed
    }

    [Fact]
    public void At_a_terminal_the_hash_command_says_what_it_waits_for()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, PasswordHashCommand.Run([], new StringReader("a long enough password\n"), output, error, interactive: true));

        Assert.StartsWith("password (at least 8 characters), then Enter: ", error.ToString(), StringComparison.Ordinal);
    }
}
