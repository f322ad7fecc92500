using System.Security.Claims;
using Microsoft.Extensions.Options;
using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.Access;

public sealed class ConsoleUserDirectoryTests
{
    private static readonly ConsoleUserDirectory Directory = new(Options.Create(new ConsoleAccessOptions
    {
        Users =
        [
            new() { Name = "olivia", PasswordHash = ConsoleUserDirectory.Hash("correct horse"), Roles = [ConsoleRoles.Official] },
            new() { Name = "otto", PasswordHash = ConsoleUserDirectory.Hash("battery staple"), Roles = [ConsoleRoles.Operator, ConsoleRoles.Auditor] },
        ],
    }));

    [Fact]
    public void The_right_password_signs_in_with_the_accounts_roles()
    {
        var principal = Directory.SignIn("otto", "battery staple");

        Assert.NotNull(principal);
        Assert.Equal("otto", principal.Identity!.Name);
        Assert.True(principal.IsInRole(ConsoleRoles.Operator));
        Assert.True(principal.IsInRole(ConsoleRoles.Auditor));
        Assert.False(principal.IsInRole(ConsoleRoles.Official));
        Assert.Equal(2, principal.FindAll(ClaimTypes.Role).Count());
    }

    [Theory]
    [InlineData("olivia", "battery staple")]
    [InlineData("olivia", "")]
    [InlineData("olivia", null)]
    [InlineData("nobody", "correct horse")]
    [InlineData(null, null)]
    public void Wrong_credentials_sign_in_no_one(string? name, string? password) => Assert.Null(Directory.SignIn(name, password));

    [Fact]
    public void Names_are_not_case_sensitive_passwords_are() 
    {
        Assert.NotNull(Directory.SignIn("OLIVIA", "correct horse"));
        Assert.Null(Directory.SignIn("olivia", "Correct horse"));
    }
}
