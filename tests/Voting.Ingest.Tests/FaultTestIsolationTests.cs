using System.Reflection;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

/// <summary>The tests that stop a shared server never run beside each other: each class holding one is in <see cref="ServerFaultCollection"/>.</summary>
public sealed class FaultTestIsolationTests
{
    [Fact]
    public void Every_class_with_a_fault_test_is_in_the_server_fault_collection()
    {
        var faultClasses = typeof(FaultTestIsolationTests).Assembly.GetTypes()
            .Where(t => IsFault(t) || t.GetMethods().Any(IsFault))
            .ToList();

        Assert.True(faultClasses.Count >= 2, $"fault test classes found: {faultClasses.Count}");
        Assert.All(faultClasses, t => Assert.Equal(ServerFaultCollection.Name, Argument(t, typeof(CollectionAttribute), 0)));
    }

    // xunit's attributes keep their arguments only in the attribute data.
    private static bool IsFault(MemberInfo member) =>
        member.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
                                                 && (string?)a.ConstructorArguments[0].Value == "Category"
                                                 && (string?)a.ConstructorArguments[1].Value == StackControl.FaultCategory);

    private static string? Argument(MemberInfo member, Type attribute, int index) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == attribute)?.ConstructorArguments[index].Value as string;
}
