using System.Collections;
using System.Management.Automation;
using StsPowerShell.Parameters;

namespace StsPowerShell.Tests.Cmdlets;

/// <summary>Unwrapping parameter values: hashtables and lists that contain themselves or nest without end are refused, not recursed into.</summary>
public class PSObjectValuesTests
{
    [Fact]
    public void AHashtableThatContainsItselfIsRefusedNamingTheParameter()
    {
        var table = new Hashtable();
        table["self"] = new PSObject(table);
        var error = Assert.Throws<ArgumentException>(() => PSObjectValues.Unwrap(table, "Options"));
        Assert.Equal("Options", error.ParamName);
        Assert.Contains("contains itself", error.Message);
    }

    [Fact]
    public void AListThatContainsItselfIsRefusedNamingTheParameter()
    {
        var list = new ArrayList();
        list.Add(list);
        var error = Assert.Throws<ArgumentException>(() => PSObjectValues.Unwrap(new Hashtable { ["list"] = list }, "AdditionalHeader"));
        Assert.Equal("AdditionalHeader", error.ParamName);
    }

    [Fact]
    public void NestingPastTheLimitIsRefusedWithoutRecursingFurther()
    {
        var outer = new Hashtable();
        var level = outer;
        for (var i = 0; i < 100_000; i++)
        {
            var next = new Hashtable();
            level["next"] = next;
            level = next;
        }

        var error = Assert.Throws<ArgumentException>(() => PSObjectValues.Unwrap(outer, "Options"));
        Assert.Equal("Options", error.ParamName);
        Assert.Contains($"deeper than {PSObjectValues.MaximumDepth}", error.Message);
    }

    [Fact]
    public void TheSameValueTwiceIsNotACycle()
    {
        var shared = new Hashtable { ["k"] = new PSObject("v") };
        var unwrapped = (Hashtable)PSObjectValues.Unwrap(new PSObject(new Hashtable { ["a"] = shared, ["b"] = new object[] { shared, shared } }), "Options")!;
        Assert.Equal("v", ((Hashtable)unwrapped["a"]!)["k"]);
        Assert.Equal("v", ((Hashtable)((object[])unwrapped["b"]!)[1])["k"]);
    }
}
