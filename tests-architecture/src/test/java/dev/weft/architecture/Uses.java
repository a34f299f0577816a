package dev.weft.architecture;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.SourceCodeLocation;
import com.tngtech.archunit.core.domain.TryCatchBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * What a class's source code uses: its supertypes, field and signature types, and every type its code bodies access,
 * reference, check or catch. Code that ajc wove in is left out: the advice it inlines into a woven class
 * ({@code *_aroundBody*$advice}, {@code ajc$*}) and its calls to the aspects' plumbing ({@code aspectOf()},
 * {@code ajc$*}) are the aspect library's contract with the classes it weaves, not something their authors wrote.
 */
final class Uses {

    /** How a class uses another. */
    enum Kind { SUPERTYPE, FIELD, SIGNATURE, ACCESS, CLASS_LITERAL, INSTANCEOF, CATCH }

    /** One use: {@code origin} uses {@code target}, described for a failure message. */
    record Use(JavaClass origin, JavaClass target, Kind kind, String description, SourceCodeLocation location) {
        @Override
        public String toString() {
            return description.contains(" in (") ? description : description + " in " + location;
        }
    }

    private Uses() {
    }

    static List<Use> of(JavaClass c) {
        List<Use> uses = new ArrayList<>();
        SourceCodeLocation at = c.getSourceCodeLocation();
        c.getRawSuperclass().ifPresent(s -> uses.add(new Use(c, s, Kind.SUPERTYPE, c.getName() + " extends " + s.getName(), at)));
        for (JavaClass i : c.getRawInterfaces()) {
            uses.add(new Use(c, i, Kind.SUPERTYPE, c.getName() + " implements " + i.getName(), at));
        }
        for (JavaField f : c.getFields()) {
            uses.add(new Use(c, f.getRawType(), Kind.FIELD, "field " + f.getFullName() + " has type " + f.getRawType().getName(),
                    f.getSourceCodeLocation()));
        }
        for (JavaCodeUnit u : c.getCodeUnits()) {
            if (woven(u.getName())) {
                continue;
            }
            SourceCodeLocation where = u.getSourceCodeLocation();
            uses.add(new Use(c, u.getRawReturnType(), Kind.SIGNATURE, u.getFullName() + " returns " + u.getRawReturnType().getName(),
                    where));
            for (JavaClass p : u.getRawParameterTypes()) {
                uses.add(new Use(c, p, Kind.SIGNATURE, u.getFullName() + " takes " + p.getName(), where));
            }
            for (JavaClass e : u.getExceptionTypes()) {
                uses.add(new Use(c, e, Kind.SIGNATURE, u.getFullName() + " throws " + e.getName(), where));
            }
            for (JavaAccess<?> a : u.getAccessesFromSelf()) {
                if (woven(a.getName()) || a.getName().equals("aspectOf") || a.getName().equals("hasAspect")) {
                    continue;
                }
                uses.add(new Use(c, a.getTargetOwner(), Kind.ACCESS, a.getDescription(), a.getSourceCodeLocation()));
            }
            u.getReferencedClassObjects().forEach(r -> uses.add(new Use(c, r.getRawType(), Kind.CLASS_LITERAL,
                    u.getFullName() + " references " + r.getRawType().getName() + ".class", r.getSourceCodeLocation())));
            u.getInstanceofChecks().forEach(i -> uses.add(new Use(c, i.getRawType(), Kind.INSTANCEOF,
                    u.getFullName() + " checks instanceof " + i.getRawType().getName(), i.getSourceCodeLocation())));
            for (TryCatchBlock t : u.getTryCatchBlocks()) {
                t.getCaughtThrowables().forEach(e -> uses.add(new Use(c, e, Kind.CATCH,
                        u.getFullName() + " catches " + e.getName(), t.getSourceCodeLocation())));
            }
        }
        return uses;
    }

    private static boolean woven(String name) {
        return name.startsWith("ajc$") || name.contains("$advice") || name.contains("_aroundBody");
    }
}
