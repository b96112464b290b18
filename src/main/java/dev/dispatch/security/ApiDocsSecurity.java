package dev.dispatch.security;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * The API document's security scheme — the bearer credential every request needs — when
 * the service asks for credentials, and none when it runs open: Swagger UI then shows no
 * Authorize button and no padlocks that ask for a key nobody needs.
 */
class ApiDocsSecurity implements OpenApiCustomizer {

	static final String SCHEME = "bearer";

	private final ApiAccess access;

	ApiDocsSecurity(ApiAccess access) {
		this.access = access;
	}

	@Override
	public void customise(OpenAPI api) {
		if (this.access.open()) {
			return;
		}
		api.getComponents()
			.addSecuritySchemes(SCHEME,
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.description("An API key or a JWT, as docs/security.md says"));
		api.addSecurityItem(new SecurityRequirement().addList(SCHEME));
	}

}
