using System.ComponentModel.DataAnnotations;
using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.Access;

public sealed class ConsoleAccessOptionsTests
{
    private static List<string> Errors(ConsoleAccessOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage ?? "")];
    }

    [Fact]
    public void Valid_accounts_pass() =>
        Assert.Empty(Errors(new() { Users = [new() { Name = "a", PasswordHash = "x", Roles = [ConsoleRoles.Auditor] }] }));

    [Fact]
    public void An_unknown_role_is_named() =>
        Assert.Contains(Errors(new() { Users = [new() { Name = "a", PasswordHash = "x", Roles = ["admin"] }] }),
            e => e.Contains("unknown role 'admin'", StringComparison.Ordinal));

    [Fact]
    public void A_name_defined_twice_is_refused() =>
        Assert.Contains(Errors(new() { Users = [new() { Name = "a", PasswordHash = "x", Roles = [ConsoleRoles.Auditor] }, new() { Name = "A", PasswordHash = "y", Roles = [ConsoleRoles.Official] }] }),
            e => e.Contains("more than once", StringComparison.Ordinal));

    [Fact]
    public void An_account_without_a_hash_or_roles_is_refused()
    {
        var errors = Errors(new() { Users = [new() { Name = "a", PasswordHash = "", Roles = [] }] });
        Assert.Contains(errors, e => e.Contains("PasswordHash", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Roles", StringComparison.Ordinal));
    }
}
